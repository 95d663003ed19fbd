import { describeWebhookDelivery } from './suite.js';

describeWebhookDelivery('eventbridge');

import { describeWebhookDelivery } from './suite.js';

describeWebhookDelivery('https');

/**
 * Powertools Logger and Metrics, created once per container and imported by every handler.
 * Logs carry ids and outcomes only: never payloads (personal data) or secrets.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'shopify-sync';

export const logger = new Logger({ serviceName });

export const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'ShopifySync',
});

/**
 * Imported first by the bench entry points: the handlers' Powertools logger and metrics would
 * otherwise write to stdout, which carries the results table (or the JSON).
 */
process.env['POWERTOOLS_LOG_LEVEL'] ??= 'SILENT';
process.env['POWERTOOLS_METRICS_DISABLED'] ??= 'true';
process.env['POWERTOOLS_SERVICE_NAME'] ??= 'shopify-sync';

/**
 * The Powertools Tracer and its middy middleware, in a module of their own so that
 * observability.ts loads them (and the X-Ray SDK under them) only when tracing is on.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';

export const tracing = (serviceName: string) => {
  const tracer = new Tracer({ serviceName });
  return {
    tracer,
    middleware: () => captureLambdaHandler(tracer, { captureResponse: false }),
  };
};

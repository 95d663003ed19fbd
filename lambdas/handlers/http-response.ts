/**
 * The one place that turns domain outcomes and errors into API Gateway (HTTP API v2) answers.
 * Error bodies are `{ error: { code, message } }`; unexpected errors become a generic 500 so
 * internals never leak (the handler logs them).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError } from '../core/errors.js';

export const jsonResponse = (statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 =>
  error instanceof DomainError
    ? jsonResponse(error.httpStatus, { error: { code: error.code, message: error.message } })
    : jsonResponse(500, { error: { code: 'INTERNAL', message: 'Internal error' } });

/** Only DomainErrors are expected outcomes; anything else is a fault worth an alarm. */
export const isExpectedError = (error: unknown): error is DomainError => error instanceof DomainError;

/**
 * The path parameters of the IAM-authorised API, one schema each, so the same `{integrationId}`
 * is validated one way on every route. Every integration route sits under its organization:
 * an IAM policy on `execute-api:Invoke` with the prefix `/organizations/<id>/` confines a caller
 * to its tenant, and the handlers answer 404 for an integration of another organization.
 */
import * as z from 'zod';
import { integrationIdSchema, organizationIdSchema } from '../../core/integrations/connect-request.js';

export const organizationPath = z.object({ organizationId: organizationIdSchema });
export const integrationPath = organizationPath.extend({ integrationId: integrationIdSchema });
export const runPath = integrationPath.extend({
  runId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'not a run id'),
});

/** The router's spelling of `/organizations/{organizationId}/integrations/{integrationId}`. */
export const integrationRoute = '/organizations/:organizationId/integrations/:integrationId';

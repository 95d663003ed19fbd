import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as generated from '../../../client/contracts.js';
import { routeContracts } from '../../../lambdas/handlers/contract/route-contracts.js';
import { clientContractsFile, generatedClientContracts } from '../../../scripts/client-contracts.js';

describe('client/contracts.ts', () => {
  it('is what the route contracts generate (run `npm run client:contracts` after changing them)', async () => {
    expect(readFileSync(clientContractsFile, 'utf8')).toBe(await generatedClientContracts());
  });

  it('has every route your backend calls, with the same route and success statuses', () => {
    const expected = Object.entries(routeContracts)
      .filter(([operation]) => operation !== 'receiveWebhook')
      .map(([operation, contract]) => [operation, contract.route, Object.keys(contract.responses).sort()]);
    const actual = Object.entries(generated.routeContracts).map(([operation, contract]) => [
      operation,
      contract.route,
      Object.keys(contract.responses).sort(),
    ]);
    expect(actual).toEqual(expected);
  });

  it('parses what the handlers answer and rejects what they never would', () => {
    const answer = {
      integration: {
        integrationId: 'int_1',
        organizationId: 'org-1',
        shopDomain: 'a.myshopify.com',
        status: 'ACTIVE',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        hasCustomWebhookSecret: false,
      },
      runId: 'run-1',
    };
    const connect = generated.routeContracts.connectIntegration.responses[201].body;
    expect(routeContracts.connectIntegration.responses[201].body.parse(answer)).toBeTruthy();
    expect(connect.parse(answer)).toMatchObject(answer);
    expect(
      connect.safeParse({ ...answer, integration: { ...answer.integration, status: 'SLEEPING' } }).success,
    ).toBe(false);
    expect(connect.safeParse({ runId: 'run-1' }).success).toBe(false);
  });
});

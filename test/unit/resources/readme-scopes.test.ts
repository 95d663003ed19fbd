import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requiredScopes, scopesOf } from '../../../lambdas/core/integrations/access-scopes.js';
import { defaultResourceNames, resourceNames } from '../../../lambdas/resources/registry.js';

const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe("the README's access scopes", () => {
  it('the shopify.app.toml example asks for exactly what the default resources need', () => {
    const toml = /```toml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const scopes = /\[access_scopes\]\s*\nscopes = "([^"]*)"/.exec(toml)?.[1];
    expect(scopes, 'an [access_scopes] scopes line in the TOML example').toBeDefined();
    expect(scopes!.split(',')).toEqual(requiredScopes(defaultResourceNames));
  });

  it('the scope table names each resource’s scopes, full history included', () => {
    for (const resource of resourceNames) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${resource}\``));
      expect(row, `a row for ${resource}`).toBeDefined();
      const named = [...row!.matchAll(/`(read_[a-z_]+)`/g)].map((match) => match[1]);
      expect(named).toEqual([...scopesOf(resource, { fullHistory: true })]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { fromWebhook } from '../../../lambdas/resources/customers/shopify/mapping.js';
import { ValidationError } from '../../../lambdas/core/errors.js';
import {
  customerDeletePayloadSchema,
  customerPayloadSchema,
} from '../../../lambdas/resources/customers/shopify/payloads.js';
import { parseShopifyJson } from '../../../lambdas/core/webhooks/shopify-json.js';
import { parseWith } from '../../../lambdas/core/validation.js';

const payloadText = `{
  "id": 7000000000000000123, "email": "ada@example.com", "created_at": "2026-01-01T09:00:00-05:00",
  "updated_at": "2026-02-03T04:05:06+02:00", "first_name": "Ada", "last_name": "", "state": "invited",
  "note": "", "verified_email": true, "multipass_identifier": null, "tax_exempt": true, "phone": null,
  "currency": "CAD", "addresses": [], "tax_exemptions": ["CA_STATUS_CARD_EXEMPTION"],
  "admin_graphql_api_id": "gid://shopify/Customer/7000000000000000123", "brand_new_field": {"x": 1},
  "default_address": { "id": 9000000000000000001, "customer_id": 7000000000000000123, "first_name": "Ada",
    "last_name": null, "company": "", "address1": "1 Rue", "address2": "", "city": "Montréal",
    "province": "Quebec", "country": "Canada", "zip": "H2X 1Y4", "phone": "", "name": "Ada",
    "province_code": "QC", "country_code": "CA", "country_name": "Canada", "default": true }
}`;

const parse = (text: string) => parseWith(customerPayloadSchema, parseShopifyJson(text), 'customer');
const owner = { organizationId: 'org', integrationId: 'int', shopDomain: 'a.myshopify.com' };
/** The record's own fields: what the payload said, without the owner, gid and source. */
const snapshotFromWebhook = (payload: ReturnType<typeof parse>) => {
  const {
    organizationId: _organizationId,
    integrationId: _integrationId,
    shopDomain: _shopDomain,
    shopifyGid: _shopifyGid,
    source: _source,
    ...snapshot
  } = fromWebhook(payload, owner);
  return snapshot;
};

describe('customer webhook mapping', () => {
  it('maps a 2026-10 payload to the canonical snapshot (exact ids, UTC ms times, blanks → null)', () => {
    expect(snapshotFromWebhook(parse(payloadText))).toEqual({
      shopifyId: '7000000000000000123',
      firstName: 'Ada',
      lastName: null,
      email: 'ada@example.com',
      phone: null,
      state: 'INVITED',
      verifiedEmail: true,
      taxExempt: true,
      taxExemptions: ['CA_STATUS_CARD_EXEMPTION'],
      note: null,
      defaultAddress: {
        id: '9000000000000000001',
        firstName: 'Ada',
        lastName: null,
        name: 'Ada',
        company: null,
        address1: '1 Rue',
        address2: null,
        city: 'Montréal',
        province: 'Quebec',
        provinceCode: 'QC',
        country: 'Canada',
        countryCode: 'CA',
        zip: 'H2X 1Y4',
        phone: null,
      },
      createdAt: '2026-01-01T14:00:00.000Z',
      shopifyUpdatedAt: '2026-02-03T02:05:06.000Z',
    });
  });

  it('builds the record with the owner and the gid', () => {
    const record = fromWebhook(parse(payloadText), owner);
    expect(record).toMatchObject({
      organizationId: 'org',
      shopifyGid: 'gid://shopify/Customer/7000000000000000123',
    });
  });

  it('treats a missing default address and missing flags as null/false', () => {
    const minimal = `{"id": 5, "admin_graphql_api_id": "gid://shopify/Customer/5", "state": "enabled",
      "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}`;
    expect(snapshotFromWebhook(parse(minimal))).toMatchObject({
      defaultAddress: null,
      verifiedEmail: false,
      taxExempt: false,
      taxExemptions: [],
      email: null,
    });
  });

  it('keeps ids above 2^53 exact', () => {
    expect(parseShopifyJson('{"id": 9007199254740993, "other": 9007199254740993}')).toEqual({
      id: '9007199254740993',
      other: 9007199254740992,
    });
  });

  it('rejects malformed JSON, wrong types, unknown states and disagreeing gids with a ValidationError', () => {
    expect(() => parseShopifyJson('{"id": ')).toThrow(ValidationError);
    expect(() => parse(payloadText.replace('"invited"', '"banned"'))).toThrow(/state/);
    expect(() => parse(payloadText.replace('"verified_email": true', '"verified_email": "yes"'))).toThrow(
      /verified_email/,
    );
    expect(() =>
      parse(payloadText.replace('"id": 7000000000000000123', '"id": 7000000000000000124')),
    ).toThrow(/admin_graphql_api_id/);
    expect(() => parse(payloadText.replace('"id": 7000000000000000123', '"id": 1.5'))).toThrow(/id/);
    expect(() => parse(payloadText.replace('"2026-02-03T04:05:06+02:00"', '"yesterday"'))).toThrow(
      /updated_at/,
    );
  });

  it('never echoes field values (personal data) in validation messages', () => {
    const withBadEmail = payloadText.replace('"ada@example.com"', '{"nested": "ada@example.com"}');
    expect(() => parse(withBadEmail)).toThrow(ValidationError);
    try {
      parse(withBadEmail);
    } catch (error) {
      expect((error as Error).message).not.toContain('ada@example.com');
    }
  });

  it('parses the 2025-10+ delete payload (id, tax_exemptions, gid only)', () => {
    const text =
      '{"id": 7000000000000000123, "tax_exemptions": [], "admin_graphql_api_id": "gid://shopify/Customer/7000000000000000123"}';
    expect(parseWith(customerDeletePayloadSchema, parseShopifyJson(text), 'delete').id).toBe(
      '7000000000000000123',
    );
  });
});

/**
 * Maps a `customers/create|update` payload (REST-shaped, 2026-10) to the canonical snapshot.
 * The sync maps GraphQL nodes into the same snapshot (from-graphql.ts), so normalisation here is
 * deliberately conservative: blank strings are null, ids are decimal strings, timestamps are UTC
 * with milliseconds, and enums are upper-case like GraphQL's.
 */
import type { CustomerPayload, WebhookAddress } from './payloads.js';
import {
  type CustomerAddress,
  type CustomerSnapshot,
  type CustomerState,
  blankToNull,
  toUtcIso,
} from '../record.js';
import { addressFromRest } from '../../kit/shopify-fields.js';

export const addressFromWebhook = (address: WebhookAddress): CustomerAddress => ({
  id: blankToNull(address.id),
  ...addressFromRest(address),
});

export const snapshotFromWebhook = (payload: CustomerPayload): CustomerSnapshot => ({
  shopifyId: payload.id,
  firstName: blankToNull(payload.first_name),
  lastName: blankToNull(payload.last_name),
  email: blankToNull(payload.email),
  phone: blankToNull(payload.phone),
  state: payload.state.toUpperCase() as CustomerState,
  verifiedEmail: payload.verified_email ?? false,
  taxExempt: payload.tax_exempt ?? false,
  taxExemptions: payload.tax_exemptions ?? [],
  note: blankToNull(payload.note),
  defaultAddress: payload.default_address ? addressFromWebhook(payload.default_address) : null,
  createdAt: toUtcIso(payload.created_at),
  shopifyUpdatedAt: toUtcIso(payload.updated_at),
});

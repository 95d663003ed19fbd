import type { SimAddress, SimCustomer } from './customer.js';
import { customerGid } from './customer.js';
import { JsonInteger, type JsonText, toJsonText } from './json-text.js';
import { restDateTime } from './time-format.js';

export interface PayloadShop {
  readonly ianaTimezone: string;
  readonly currencyCode: string;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

const addressPayload = (address: SimAddress, customerId: string): JsonText => ({
  id: new JsonInteger(address.id),
  customer_id: new JsonInteger(customerId),
  first_name: address.firstName,
  last_name: address.lastName,
  company: address.company,
  address1: address.address1,
  address2: address.address2,
  city: address.city,
  province: address.province,
  country: address.country,
  zip: address.zip,
  phone: address.phone,
  name: [address.firstName, address.lastName].filter(Boolean).join(' '),
  province_code: address.provinceCode,
  country_code: address.countryCode,
  country_name: address.countryCode
    ? (countryNames.of(address.countryCode) ?? address.country)
    : address.country,
  default: true,
});

/**
 * The customers/create and customers/update body of API versions 2025-01 and later: REST-shaped,
 * with no tags, marketing consent, orders_count or total_spent. Ids are raw 64-bit number literals.
 */
export function customerPayload(customer: SimCustomer, shop: PayloadShop): string {
  const address = customer.defaultAddress;
  return toJsonText({
    id: new JsonInteger(customer.id),
    email: customer.email,
    created_at: restDateTime(customer.createdAt, shop.ianaTimezone),
    updated_at: restDateTime(customer.updatedAt, shop.ianaTimezone),
    first_name: customer.firstName,
    last_name: customer.lastName,
    state: customer.state.toLowerCase(),
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: customer.multipassIdentifier,
    tax_exempt: customer.taxExempt,
    phone: customer.phone,
    currency: shop.currencyCode,
    addresses: address ? [addressPayload(address, customer.id)] : [],
    tax_exemptions: [...customer.taxExemptions],
    admin_graphql_api_id: customerGid(customer.id),
    default_address: address ? addressPayload(address, customer.id) : undefined,
  });
}

/** The customers/delete body since 2025-10: only these three fields. */
export function customerDeletePayload(customer: SimCustomer): string {
  return toJsonText({
    id: new JsonInteger(customer.id),
    tax_exemptions: [...customer.taxExemptions],
    admin_graphql_api_id: customerGid(customer.id),
  });
}

/** The three mandatory privacy topics; Shopify sends them to the URI in the app's TOML. */
export const complianceTopics = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type ComplianceTopic = (typeof complianceTopics)[number];

export interface ComplianceSubject {
  readonly shopNumericId: string;
  readonly shopDomain: string;
  /** Absent for shop/redact. */
  readonly customer?: { readonly id: string; readonly email: string | null; readonly phone: string | null };
  readonly dataRequestId?: string;
  /** The customer's orders: `orders_to_redact` of customers/redact, `orders_requested` of a data request. */
  readonly orderIds?: readonly string[];
}

/** Shopify's documented privacy payloads, with exact 64-bit ids. */
export function compliancePayload(topic: ComplianceTopic, subject: ComplianceSubject): string {
  const shop = { shop_id: new JsonInteger(subject.shopNumericId), shop_domain: subject.shopDomain };
  if (topic === 'shop/redact') return toJsonText(shop);
  const customer = subject.customer;
  if (!customer) throw new Error(`${topic} needs a customer`);
  const customerJson = {
    id: new JsonInteger(customer.id),
    email: customer.email,
    phone: customer.phone,
  };
  const orders = (subject.orderIds ?? []).map((id) => new JsonInteger(id));
  if (topic === 'customers/redact')
    return toJsonText({ ...shop, customer: customerJson, orders_to_redact: orders });
  return toJsonText({
    ...shop,
    orders_requested: orders,
    customer: customerJson,
    data_request: { id: new JsonInteger(subject.dataRequestId ?? '1') },
  });
}

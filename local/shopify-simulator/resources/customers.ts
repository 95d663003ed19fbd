/**
 * Customers of a simulated shop: seeded data, CRUD that emits `customers/*`, and the GraphQL
 * fields that read them (`customers`, `customer`, `customersCount`, `node`). The model and its
 * input schema are in `../customer.ts`, the seeded population in `../customer-data.ts`, the
 * REST bodies in `../webhook-payload.ts`.
 */
import {
  type CustomerInput,
  customerGid,
  customerIdFrom,
  customerInputSchema,
  type SimAddress,
  type SimCustomer,
} from '../customer.js';
import { generateCustomers } from '../customer-data.js';
import type { SeededRandom } from '../random.js';
import { graphqlDateTime } from '../time-format.js';
import { customerDeletePayload, customerPayload } from '../webhook-payload.js';
import * as kit from './kit.js';
import type { ResourceSetup, ShopContext, SimulatedResource, View } from './resource.js';
import { controlRecords, SimRecordNotFoundError, withIsoTimes } from './resource.js';

export class CustomerNotFoundError extends SimRecordNotFoundError {
  override readonly name = 'CustomerNotFoundError';
  constructor(id: string) {
    super(`No customer ${id} in this shop`);
  }
}

export class SimCustomers implements SimulatedResource {
  private readonly customerMap = new Map<string, SimCustomer>();
  private readonly shop: ShopContext;
  private nextCustomerId: bigint;
  private nextAddressId: bigint;
  readonly topicScopes = { CUSTOMERS_: 'read_customers' };
  readonly controlRecords = [
    controlRecords({
      path: 'customers',
      input: customerInputSchema,
      json: (customer: SimCustomer) => withIsoTimes(customer),
      records: this,
    }),
  ];

  constructor({ shop, random, idBlock }: ResourceSetup, seedCustomers = 0) {
    this.shop = shop;
    // Ids are sparse and increase with creation time, like Shopify's.
    this.nextCustomerId =
      kit.idBlockStart(7_000_000_000_000_000_000n, idBlock, 'customers') +
      BigInt(random.int(1, 999_999)) * 1000n;
    this.nextAddressId =
      kit.idBlockStart(8_000_000_000_000_000_000n, idBlock, 'customers') +
      BigInt(random.int(1, 999_999)) * 1000n;
    const seeded = generateCustomers(seedCustomers, random, shop.now(), {
      nextCustomerId: () => this.allocateCustomerId(random),
      nextAddressId: () => this.allocateAddressId(),
    });
    for (const customer of seeded) {
      this.customerMap.set(customer.id, customer);
      shop.noteUpdate(customer.updatedAt);
    }
  }

  /** Current state, ordered by id: for comparing with what a sync stored. */
  list(): SimCustomer[] {
    return [...this.customerMap.values()].sort(kit.byId);
  }

  get(id: string): SimCustomer | undefined {
    const numeric = customerIdFrom(id);
    return numeric === null ? undefined : this.customerMap.get(numeric);
  }

  create(input: CustomerInput = {}): SimCustomer {
    const parsed = customerInputSchema.parse(input);
    const now = this.shop.stamp();
    const customer: SimCustomer = {
      id: this.allocateCustomerId(),
      firstName: parsed.firstName ?? null,
      lastName: parsed.lastName ?? null,
      email: parsed.email ?? null,
      phone: parsed.phone ?? null,
      state: parsed.state ?? 'DISABLED',
      verifiedEmail: parsed.verifiedEmail ?? false,
      taxExempt: parsed.taxExempt ?? false,
      taxExemptions: parsed.taxExemptions ?? [],
      note: parsed.note ?? null,
      tags: parsed.tags ?? [],
      numberOfOrders: parsed.numberOfOrders ?? 0,
      multipassIdentifier: null,
      createdAt: now,
      updatedAt: now,
      // Shopify names a new address after its customer unless told otherwise.
      defaultAddress: parsed.defaultAddress
        ? toAddress(this.allocateAddressId(), {
            firstName: parsed.firstName ?? null,
            lastName: parsed.lastName ?? null,
            ...parsed.defaultAddress,
          })
        : null,
    };
    this.customerMap.set(customer.id, customer);
    this.shop.emit('CUSTOMERS_CREATE', customerPayload(customer, this.shop));
    return customer;
  }

  update(id: string, patch: CustomerInput): SimCustomer {
    const existing = this.require(id);
    const parsed = customerInputSchema.parse(patch);
    const { defaultAddress, ...fields } = parsed;
    const definedFields = Object.fromEntries(
      Object.entries(fields).filter(([, value]) => value !== undefined),
    );
    const address =
      defaultAddress === undefined
        ? existing.defaultAddress
        : defaultAddress === null
          ? null
          : toAddress(existing.defaultAddress?.id ?? this.allocateAddressId(), {
              ...existing.defaultAddress,
              ...defaultAddress,
            });
    const updated: SimCustomer = {
      ...existing,
      ...definedFields,
      defaultAddress: address,
      updatedAt: this.shop.stamp(),
    };
    this.customerMap.set(updated.id, updated);
    this.shop.emit('CUSTOMERS_UPDATE', customerPayload(updated, this.shop));
    return updated;
  }

  delete(id: string): SimCustomer {
    const existing = this.require(id);
    this.customerMap.delete(existing.id);
    this.shop.emit('CUSTOMERS_DELETE', customerDeletePayload(existing));
    return existing;
  }

  rootFields(unbounded: boolean) {
    return kit.listedRootFields({
      shop: this.shop,
      unbounded,
      field: 'customers',
      oneField: 'customer',
      records: () => this.list(),
      get: (id) => this.get(id),
      view: customerView,
    });
  }

  nodeById(id: string): View | null | undefined {
    if (!id.startsWith('gid://shopify/Customer/')) return undefined;
    const customer = this.get(id);
    return customer ? customerView(customer) : null;
  }

  private require(id: string): SimCustomer {
    const customer = this.get(id);
    if (!customer) throw new CustomerNotFoundError(id);
    return customer;
  }

  private allocateCustomerId(random?: SeededRandom): string {
    this.nextCustomerId += BigInt(random ? random.int(1, 5000) : 1);
    return this.nextCustomerId.toString();
  }

  private allocateAddressId(): string {
    this.nextAddressId += 1n;
    return this.nextAddressId.toString();
  }
}

const toAddress = (id: string, input: NonNullable<CustomerInput['defaultAddress']>): SimAddress => ({
  id,
  firstName: input.firstName ?? null,
  lastName: input.lastName ?? null,
  company: input.company ?? null,
  address1: input.address1 ?? null,
  address2: input.address2 ?? null,
  city: input.city ?? null,
  province: input.province ?? null,
  provinceCode: input.provinceCode ?? null,
  country: input.country ?? null,
  countryCode: input.countryCode ?? null,
  zip: input.zip ?? null,
  phone: input.phone ?? null,
});

const addressView = (address: SimAddress): View => ({
  __typename: 'MailingAddress',
  id: `gid://shopify/MailingAddress/${address.id}?model_name=CustomerAddress`,
  firstName: address.firstName,
  lastName: address.lastName,
  name: [address.firstName, address.lastName].filter(Boolean).join(' ') || null,
  company: address.company,
  address1: address.address1,
  address2: address.address2,
  city: address.city,
  province: address.province,
  provinceCode: address.provinceCode,
  country: address.country,
  countryCodeV2: address.countryCode,
  zip: address.zip,
  phone: address.phone,
  formattedArea: [address.city, address.provinceCode, address.country].filter(Boolean).join(', ') || null,
  coordinatesValidated: false,
  latitude: null,
  longitude: null,
  timeZone: null,
  validationResultSummary: null,
});

const customerView = (customer: SimCustomer): View => {
  const displayName =
    [customer.firstName, customer.lastName].filter(Boolean).join(' ') ||
    customer.email ||
    customer.phone ||
    '';
  return {
    __typename: 'Customer',
    id: customerGid(customer.id),
    legacyResourceId: customer.id,
    firstName: customer.firstName,
    lastName: customer.lastName,
    displayName,
    defaultEmailAddress: customer.email
      ? {
          emailAddress: customer.email,
          validFormat: true,
          marketingState: 'NOT_SUBSCRIBED',
          marketingOptInLevel: null,
          marketingUpdatedAt: null,
        }
      : null,
    defaultPhoneNumber: customer.phone ? { phoneNumber: customer.phone } : null,
    email: customer.email,
    phone: customer.phone,
    state: customer.state,
    verifiedEmail: customer.verifiedEmail,
    validEmailAddress: customer.email !== null,
    taxExempt: customer.taxExempt,
    taxExemptions: customer.taxExemptions,
    note: customer.note,
    tags: customer.tags,
    numberOfOrders: String(customer.numberOfOrders),
    multipassIdentifier: customer.multipassIdentifier,
    createdAt: graphqlDateTime(customer.createdAt),
    updatedAt: graphqlDateTime(customer.updatedAt),
    defaultAddress: customer.defaultAddress ? addressView(customer.defaultAddress) : null,
    addresses: customer.defaultAddress ? [addressView(customer.defaultAddress)] : [],
    canDelete: customer.numberOfOrders === 0,
    dataSaleOptOut: false,
    locale: 'en',
    lifetimeDuration: 'about 1 year',
  };
};

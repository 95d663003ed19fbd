import { z } from 'zod';

export const customerStates = ['ENABLED', 'DISABLED', 'INVITED', 'DECLINED'] as const;
export type SimCustomerState = (typeof customerStates)[number];

export interface SimAddress {
  /** Numeric id as a decimal string (64-bit). */
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly company: string | null;
  readonly address1: string | null;
  readonly address2: string | null;
  readonly city: string | null;
  readonly province: string | null;
  readonly provinceCode: string | null;
  readonly country: string | null;
  readonly countryCode: string | null;
  readonly zip: string | null;
  readonly phone: string | null;
}

/** A customer as the simulated shop stores it. Timestamps are epoch ms at whole seconds, like Shopify. */
export interface SimCustomer {
  /** Numeric id as a decimal string: 64-bit, never a JS number. */
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly email: string | null;
  /** E.164. */
  readonly phone: string | null;
  readonly state: SimCustomerState;
  readonly verifiedEmail: boolean;
  readonly taxExempt: boolean;
  readonly taxExemptions: readonly string[];
  readonly note: string | null;
  readonly tags: readonly string[];
  readonly numberOfOrders: number;
  readonly multipassIdentifier: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly defaultAddress: SimAddress | null;
}

const nullableString = z.string().nullable().optional();

export const addressInputSchema = z
  .object({
    firstName: nullableString,
    lastName: nullableString,
    company: nullableString,
    address1: nullableString,
    address2: nullableString,
    city: nullableString,
    province: nullableString,
    provinceCode: nullableString,
    country: nullableString,
    countryCode: z.string().length(2).nullable().optional(),
    zip: nullableString,
    phone: nullableString,
  })
  .strict();

/** What a test or the control API may set on a customer; everything else is Shopify's to decide. */
export const customerInputSchema = z
  .object({
    firstName: nullableString,
    lastName: nullableString,
    email: z.email().nullable().optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'phone must be E.164, e.g. +14155550123')
      .nullable()
      .optional(),
    state: z.enum(customerStates).optional(),
    verifiedEmail: z.boolean().optional(),
    taxExempt: z.boolean().optional(),
    taxExemptions: z.array(z.string()).optional(),
    note: nullableString,
    tags: z.array(z.string()).optional(),
    numberOfOrders: z.number().int().nonnegative().optional(),
    defaultAddress: addressInputSchema.nullable().optional(),
  })
  .strict();

export type CustomerInput = z.infer<typeof customerInputSchema>;

export const customerGid = (id: string): string => `gid://shopify/Customer/${id}`;

/** Accepts a bare numeric id or a Customer gid; returns the numeric id, or null. */
export function customerIdFrom(value: string): string | null {
  const match = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(value);
  return match?.[1] ?? null;
}

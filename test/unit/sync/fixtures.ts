/** Shared fakes for the sync engine's unit tests. */
export const owner = { organizationId: 'org', integrationId: 'int', shopDomain: 's.myshopify.com' };

/** A minimal GraphQL Customer node as the customers page document selects it. */
export const customerNode = (id: number, updatedAt: string) => ({
  id: `gid://shopify/Customer/${id}`,
  firstName: 'A',
  lastName: null,
  defaultEmailAddress: null,
  defaultPhoneNumber: null,
  state: 'ENABLED',
  verifiedEmail: true,
  taxExempt: false,
  taxExemptions: [],
  note: '',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt,
  defaultAddress: null,
});

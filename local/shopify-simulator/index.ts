export { startShopifySimulator, defaultSimulatorAppSecret } from './simulator.js';
export type { ShopifySimulator, ShopifySimulatorOptions } from './simulator.js';
export type { CreateShopOptions, RequestRecord, SimulatedShop } from './shop.js';
export type { CustomerInput, SimAddress, SimCustomer, SimCustomerState } from './customer.js';
export type { OrderInput, SimOrder } from './resources/orders.js';
export type { ProductInput, SimProduct } from './resources/products.js';
export type { Fault, FaultSettings } from './faults.js';
export type { DeliveryAttempt, DeliverySettings, WebhookDelivery, WebhookSubscription } from './webhooks.js';
export type { RatePlan, ThrottleStatus } from './rate-limiter.js';
export { standardPlan } from './rate-limiter.js';
export { type Clock, ManualClock, systemClock } from './clock.js';
export { adminSchema, defaultApiVersion } from './schema.js';
export { invalidTokenBody } from './admin-api.js';
export {
  defaultSimulatorClientId,
  OAuthServer,
  type OAuthSettings,
  type OAuthStats,
  signQuery,
} from './oauth.js';

/**
 * Locations, inventory items and inventory levels of a simulated shop: data, CRUD that emits the
 * `locations/*`, `inventory_items/*` and `inventory_levels/*` webhooks, and the GraphQL root
 * fields that read them (pages, counts, lookups by id, and a bulk operation's unbounded run).
 *
 * What the model takes from Shopify: locations list by id and cannot filter by update time;
 * inventory items list by id and filter by `updated_at`; levels hang under an item or a
 * location and filter by `updated_at` there; a level's gid is
 * `gid://shopify/InventoryLevel/<n>?inventory_item_id=<item>`; `inventory_levels/update` carries
 * only `available` (the REST bodies follow shopify.dev's 2026-01 Location, InventoryItem and
 * InventoryLevel examples; a level gid's number is not the location's in every example, so
 * nothing reads it). What it chooses where Shopify does not say: items are not linked to the
 * simulated products' variants (`productVariantsCount` counts the items: one per variant), and
 * deleting an item disconnects its levels first, each with its webhook.
 */
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { type QuantityName, quantityNames } from '../../../lambdas/resources/inventory-levels/record.js';
import type { Keyed } from '../connection.js';
import { matchesSearch } from '../customer-search.js';
import { JsonInteger, toJsonText } from '../json-text.js';
import type { SeededRandom } from '../random.js';
import { graphqlDateTime, restDateTime } from '../time-format.js';
import {
  byId,
  connectionOf,
  countOf,
  decimal,
  idBlockStart,
  numericIdOf,
  requireAccess,
  restAmount,
  searchTerms,
} from './kit.js';
import {
  type Args,
  type ResourceSetup,
  type ShopContext,
  SimRecordNotFoundError,
  type SimulatedResource,
  type View,
} from './resource.js';

type Quantities = Record<QuantityName, number>;

export interface SimLocation {
  readonly id: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly address1: string | null;
  readonly city: string | null;
  readonly zip: string | null;
  readonly province: string | null;
  readonly provinceCode: string | null;
  readonly country: string | null;
  readonly countryCode: string | null;
  readonly phone: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SimInventoryItem {
  readonly id: string;
  readonly sku: string | null;
  readonly tracked: boolean;
  readonly requiresShipping: boolean;
  readonly costCents: number | null;
  readonly countryCodeOfOrigin: string | null;
  readonly harmonizedSystemCode: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SimInventoryLevel {
  /** The level's own number: the gid's, and what an `id:` filter compares. */
  readonly id: string;
  readonly itemId: string;
  readonly locationId: string;
  readonly quantities: Quantities;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const locationInputSchema = z.strictObject({
  name: z.string().min(1).optional(),
  city: z.string().optional(),
  countryCode: z.enum(['US', 'CA', 'DE']).optional(),
});
export type LocationInput = z.input<typeof locationInputSchema>;

export const inventoryItemInputSchema = z.strictObject({
  sku: z.string().nullable().optional(),
  tracked: z.boolean().optional(),
  /** Whole cents: the model writes amounts as Shopify does (GraphQL `"12.5"`, REST `"12.50"`). */
  costCents: z.number().int().min(0).nullable().optional(),
});
export type InventoryItemInput = z.input<typeof inventoryItemInputSchema>;

/** `available` set (as `inventorySetQuantities` does) or moved (a sale: `-1`); other names by delta. */
export const levelChangeSchema = z.strictObject({
  available: z.number().int().optional(),
  availableDelta: z.number().int().optional(),
  incomingDelta: z.number().int().optional(),
  committedDelta: z.number().int().optional(),
});
export type LevelChange = z.input<typeof levelChangeSchema>;

export class InventoryNotFoundError extends SimRecordNotFoundError {
  override readonly name = 'InventoryNotFoundError';
}

const countries = {
  US: { country: 'United States', province: 'Illinois', provinceCode: 'IL' },
  CA: { country: 'Canada', province: 'Ontario', provinceCode: 'ON' },
  DE: { country: 'Germany', province: null, provinceCode: null },
} as const;

const levelGid = (level: SimInventoryLevel) =>
  `gid://shopify/InventoryLevel/${level.id}?inventory_item_id=${level.itemId}`;

/** `on_hand` is what is physically there: available plus every unavailable state. */
const withOnHand = (q: Omit<Quantities, 'on_hand'>): Quantities => ({
  ...q,
  on_hand: q.available + q.committed + q.reserved + q.damaged + q.safety_stock + q.quality_control,
});

export class SimInventory implements SimulatedResource {
  private readonly locationMap = new Map<string, SimLocation>();
  private readonly itemMap = new Map<string, SimInventoryItem>();
  /** By `<itemId>:<locationId>`. */
  private readonly levelMap = new Map<string, SimInventoryLevel>();
  private nextLocationId: bigint;
  private nextItemId: bigint;
  private nextLevelId: bigint;
  private readonly shop: ShopContext;
  private readonly random: SeededRandom;
  readonly topicScopes = {
    LOCATIONS_: 'read_locations',
    INVENTORY_ITEMS_: 'read_inventory',
    INVENTORY_LEVELS_: 'read_inventory',
  };
  readonly controlRecords = [];

  /** `seed`: locations and items at start, every item stocked at every location. */
  constructor(
    { shop, random, idBlock }: ResourceSetup,
    seed?: { readonly locations: number; readonly items: number },
  ) {
    this.shop = shop;
    this.random = random;
    this.nextLocationId = idBlockStart(60_000_000_000n, idBlock);
    this.nextItemId = idBlockStart(49_000_000_000_000n, idBlock);
    this.nextLevelId = idBlockStart(90_000_000_000n, idBlock);
    if (seed) this.seed(seed.locations, seed.items, Math.floor(shop.now() / 1000) * 1000);
  }

  /** Locations and items at start, every item stocked at every location, no webhooks. */
  private seed(locations: number, items: number, startAt: number): void {
    const names = ['Main warehouse', 'Downtown store', 'Outlet', 'Pop-up'];
    for (let n = 0; n < locations; n += 1) {
      const location = this.buildLocation({ name: names[n] ?? `Location ${n + 1}` }, startAt - 3_600_000);
      this.locationMap.set(location.id, location);
    }
    for (let n = 0; n < items; n += 1) {
      const at = startAt - (items - n) * 20_000;
      const item = this.buildItem({}, at);
      this.itemMap.set(item.id, item);
      for (const location of this.locationMap.values())
        this.storeLevel(this.buildLevel(item.id, location.id, at));
    }
  }

  // ---- state ----------------------------------------------------------------------------------

  locations(): SimLocation[] {
    return [...this.locationMap.values()].sort(byId);
  }

  location(id: string): SimLocation | undefined {
    return this.locationMap.get(numericIdOf('Location', id));
  }

  items(): SimInventoryItem[] {
    return [...this.itemMap.values()].sort(byId);
  }

  item(id: string): SimInventoryItem | undefined {
    return this.itemMap.get(numericIdOf('InventoryItem', id));
  }

  levels(): SimInventoryLevel[] {
    return [...this.levelMap.values()].sort(byId);
  }

  level(itemId: string, locationId: string): SimInventoryLevel | undefined {
    return this.levelMap.get(`${itemId}:${locationId}`);
  }

  // ---- locations ------------------------------------------------------------------------------

  createLocation(input: LocationInput = {}): SimLocation {
    const location = this.buildLocation(locationInputSchema.parse(input), this.shop.stamp());
    this.locationMap.set(location.id, location);
    this.shop.emit('LOCATIONS_CREATE', this.locationPayload(location));
    return location;
  }

  updateLocation(id: string, patch: LocationInput): SimLocation {
    const existing = this.requireLocation(id);
    const parsed = locationInputSchema.parse(patch);
    const updated: SimLocation = {
      ...existing,
      ...(parsed.name !== undefined && { name: parsed.name }),
      ...(parsed.city !== undefined && { city: parsed.city }),
      updatedAt: this.shop.stamp(),
    };
    this.locationMap.set(id, updated);
    this.shop.emit('LOCATIONS_UPDATE', this.locationPayload(updated));
    return updated;
  }

  /** Shopify sends the dedicated topic and, still, `locations/update` (changelog 2023-01). */
  setLocationActive(id: string, isActive: boolean): SimLocation {
    const updated: SimLocation = { ...this.requireLocation(id), isActive, updatedAt: this.shop.stamp() };
    this.locationMap.set(id, updated);
    const body = this.locationPayload(updated);
    this.shop.emit(isActive ? 'LOCATIONS_ACTIVATE' : 'LOCATIONS_DEACTIVATE', body);
    this.shop.emit('LOCATIONS_UPDATE', body);
    return updated;
  }

  /** Shopify deletes only a location without stock: its levels are disconnected first. */
  deleteLocation(id: string, { webhook = true }: { readonly webhook?: boolean } = {}): SimLocation {
    const existing = this.requireLocation(id);
    for (const level of this.levels().filter((candidate) => candidate.locationId === id))
      this.disconnectLevel(level.itemId, id, { webhook });
    this.locationMap.delete(id);
    if (webhook) this.shop.emit('LOCATIONS_DELETE', toJsonText({ id: new JsonInteger(id) }));
    return existing;
  }

  // ---- inventory items ------------------------------------------------------------------------

  /** A new item (a new variant's), stocked at every active location with nothing available. */
  createItem(input: InventoryItemInput = {}): SimInventoryItem {
    const at = this.shop.stamp();
    const item = this.buildItem(inventoryItemInputSchema.parse(input), at);
    this.itemMap.set(item.id, item);
    this.shop.emit('INVENTORY_ITEMS_CREATE', this.itemPayload(item));
    for (const location of this.locations().filter((candidate) => candidate.isActive)) {
      const level = this.buildLevel(item.id, location.id, at, true);
      this.storeLevel(level);
      this.shop.emit('INVENTORY_LEVELS_CONNECT', this.levelPayload(level));
    }
    return item;
  }

  updateItem(id: string, patch: InventoryItemInput): SimInventoryItem {
    const existing = this.requireItem(id);
    const parsed = inventoryItemInputSchema.parse(patch);
    const updated: SimInventoryItem = {
      ...existing,
      ...(parsed.sku !== undefined && { sku: parsed.sku }),
      ...(parsed.tracked !== undefined && { tracked: parsed.tracked }),
      ...(parsed.costCents !== undefined && { costCents: parsed.costCents }),
      updatedAt: this.shop.stamp(),
    };
    this.itemMap.set(updated.id, updated);
    this.shop.emit('INVENTORY_ITEMS_UPDATE', this.itemPayload(updated));
    return updated;
  }

  deleteItem(id: string, { webhook = true }: { readonly webhook?: boolean } = {}): SimInventoryItem {
    const existing = this.requireItem(id);
    for (const level of this.levels().filter((candidate) => candidate.itemId === existing.id))
      this.disconnectLevel(existing.id, level.locationId, { webhook });
    this.itemMap.delete(existing.id);
    if (webhook) {
      this.shop.emit(
        'INVENTORY_ITEMS_DELETE',
        toJsonText({
          id: new JsonInteger(existing.id),
          country_code_of_origin: null,
          province_code_of_origin: null,
          harmonized_system_code: null,
          country_harmonized_system_codes: [],
        }),
      );
    }
    return existing;
  }

  // ---- inventory levels -----------------------------------------------------------------------

  /** Stocks an item at a location (`inventory_levels/connect`). */
  connectLevel(itemId: string, locationId: string): SimInventoryLevel {
    this.requireItem(itemId);
    this.requireLocation(locationId);
    if (this.level(itemId, locationId)) throw new InventoryNotFoundError('Already connected');
    const level = this.buildLevel(itemId, locationId, this.shop.stamp(), true);
    this.storeLevel(level);
    this.shop.emit('INVENTORY_LEVELS_CONNECT', this.levelPayload(level));
    return level;
  }

  /** A sale, a count, a transfer in: `inventory_levels/update` with the new `available`. */
  changeLevel(itemId: string, locationId: string, change: LevelChange): SimInventoryLevel {
    const existing = this.requireLevel(itemId, locationId);
    const parsed = levelChangeSchema.parse(change);
    const q = existing.quantities;
    const available = parsed.available ?? q.available + (parsed.availableDelta ?? 0);
    const updated: SimInventoryLevel = {
      ...existing,
      quantities: withOnHand({
        available,
        committed: q.committed + (parsed.committedDelta ?? 0),
        incoming: q.incoming + (parsed.incomingDelta ?? 0),
        reserved: q.reserved,
        damaged: q.damaged,
        safety_stock: q.safety_stock,
        quality_control: q.quality_control,
      }),
      updatedAt: this.shop.stamp(),
    };
    this.storeLevel(updated);
    this.shop.emit('INVENTORY_LEVELS_UPDATE', this.levelPayload(updated));
    return updated;
  }

  disconnectLevel(
    itemId: string,
    locationId: string,
    { webhook = true }: { readonly webhook?: boolean } = {},
  ): SimInventoryLevel {
    const existing = this.requireLevel(itemId, locationId);
    this.levelMap.delete(`${itemId}:${locationId}`);
    if (webhook) {
      this.shop.emit(
        'INVENTORY_LEVELS_DISCONNECT',
        toJsonText({ inventory_item_id: new JsonInteger(itemId), location_id: new JsonInteger(locationId) }),
      );
    }
    return existing;
  }

  // ---- GraphQL --------------------------------------------------------------------------------

  /** Root fields for `rootValueFor`; `unbounded`: a bulk operation's run, every nested item. */
  rootFields(unbounded: boolean): Record<string, (args: Args) => unknown> {
    const page = <T, V>(entries: readonly Keyed<T>[], args: Args, view: (item: T) => V) =>
      connectionOf(entries, args, view, this.shop.paginationLimit(), unbounded);
    const levelsOf = this.levelConnection(unbounded);
    return {
      locations: (args) => {
        requireAccess(this.shop, 'locations');
        if (typeof args['query'] === 'string' && args['query'].trim() !== '')
          throw new GraphQLError('The simulator filters locations by nothing', {
            extensions: { code: 'UNSUPPORTED_SEARCH_IN_SIMULATOR' },
          });
        const entries = this.locations()
          .filter((location) => location.isActive || args['includeInactive'] === true)
          .map((location) => ({
            item: location,
            key: { value: BigInt(location.id), id: BigInt(location.id) },
          }));
        return page(entries, args, (location) => this.locationView(location, levelsOf));
      },
      location: (args) => {
        requireAccess(this.shop, 'locations');
        const location = typeof args['id'] === 'string' ? this.location(args['id']) : undefined;
        return location ? this.locationView(location, levelsOf) : null;
      },
      locationsCount: (args) => {
        requireAccess(this.shop, 'locations');
        return countOf(this.locationMap.size, args);
      },
      inventoryItems: (args) => {
        requireAccess(this.shop, 'inventory');
        const terms = searchTerms(args['query']);
        const entries = this.items()
          .filter((item) => matchesSearch(item, terms))
          .map((item) => ({ item, key: { value: BigInt(item.id), id: BigInt(item.id) } }));
        return page(entries, args, (item) => this.itemView(item, levelsOf));
      },
      inventoryItem: (args) => {
        requireAccess(this.shop, 'inventory');
        const item = typeof args['id'] === 'string' ? this.item(args['id']) : undefined;
        return item ? this.itemView(item, levelsOf) : null;
      },
      // One inventory item per variant: the simulator's variants are its items (see above).
      productVariantsCount: (args) => {
        requireAccess(this.shop, 'products');
        return countOf(this.itemMap.size, args);
      },
    };
  }

  /** A location's or an item's `inventoryLevels(first:, after:, query:)`. */
  private levelConnection(unbounded: boolean) {
    const page = <T, V>(entries: readonly Keyed<T>[], args: Args, view: (item: T) => V) =>
      connectionOf(entries, args, view, this.shop.paginationLimit(), unbounded);
    const levelsOf = (filter: (level: SimInventoryLevel) => boolean) => (args: Args) => {
      requireAccess(this.shop, 'inventory');
      const terms = searchTerms(args['query']);
      const entries = this.levels()
        .filter((level) => filter(level) && matchesSearch(level, terms))
        .map((level) => ({ item: level, key: { value: BigInt(level.id), id: BigInt(level.id) } }));
      return page(entries, args, levelView);
    };
    const levelView = (level: SimInventoryLevel) => ({
      __typename: 'InventoryLevel',
      id: levelGid(level),
      createdAt: graphqlDateTime(level.createdAt),
      updatedAt: graphqlDateTime(level.updatedAt),
      isActive: true,
      item: () => this.itemView(this.itemMap.get(level.itemId)!, levelsOf),
      location: () => this.locationView(this.locationMap.get(level.locationId)!, levelsOf),
      quantities: (args: Args) =>
        ((args['names'] as string[] | undefined) ?? []).map((name) => {
          if (!(quantityNames as readonly string[]).includes(name))
            throw new GraphQLError(`Invalid quantity name: ${name}`, { extensions: { code: 'BAD_REQUEST' } });
          return {
            __typename: 'InventoryQuantity',
            id: `gid://shopify/InventoryQuantity/${level.id}?name=${name}`,
            name,
            quantity: level.quantities[name as QuantityName],
            updatedAt: graphqlDateTime(level.updatedAt),
          };
        }),
    });
    return levelsOf;
  }

  /** `nodes(ids:)` for locations and items; null for anything else of theirs that is gone. */
  nodeById(id: string): View | null | undefined {
    const levelsOf = this.levelConnection(false);
    if (id.startsWith('gid://shopify/Location/')) {
      requireAccess(this.shop, 'locations');
      const location = this.location(id);
      return location ? this.locationView(location, levelsOf) : null;
    }
    if (id.startsWith('gid://shopify/InventoryItem/')) {
      requireAccess(this.shop, 'inventory');
      const item = this.item(id);
      return item ? this.itemView(item, levelsOf) : null;
    }
    return undefined;
  }

  private locationView(
    location: SimLocation,
    levelsOf: (filter: (level: SimInventoryLevel) => boolean) => (args: Args) => unknown,
  ) {
    return {
      __typename: 'Location',
      id: `gid://shopify/Location/${location.id}`,
      legacyResourceId: location.id,
      name: location.name,
      isActive: location.isActive,
      createdAt: graphqlDateTime(location.createdAt),
      updatedAt: graphqlDateTime(location.updatedAt),
      address: {
        address1: location.address1,
        address2: null,
        city: location.city,
        zip: location.zip,
        province: location.province,
        provinceCode: location.provinceCode,
        country: location.country,
        countryCode: location.countryCode,
        phone: location.phone,
      },
      inventoryLevels: levelsOf((level) => level.locationId === location.id),
    };
  }

  private itemView(
    item: SimInventoryItem,
    levelsOf: (filter: (level: SimInventoryLevel) => boolean) => (args: Args) => unknown,
  ) {
    return {
      __typename: 'InventoryItem',
      id: `gid://shopify/InventoryItem/${item.id}`,
      legacyResourceId: item.id,
      sku: item.sku,
      tracked: item.tracked,
      requiresShipping: item.requiresShipping,
      countryCodeOfOrigin: item.countryCodeOfOrigin,
      provinceCodeOfOrigin: null,
      harmonizedSystemCode: item.harmonizedSystemCode,
      createdAt: graphqlDateTime(item.createdAt),
      updatedAt: graphqlDateTime(item.updatedAt),
      unitCost:
        item.costCents === null
          ? null
          : { __typename: 'MoneyV2', amount: decimal(item.costCents), currencyCode: 'USD' },
      inventoryLevels: levelsOf((level) => level.itemId === item.id),
    };
  }

  // ---- webhook bodies (REST-shaped) -----------------------------------------------------------

  private at(ms: number): string {
    return restDateTime(ms, this.shop.ianaTimezone);
  }

  locationPayload(location: SimLocation): string {
    return toJsonText({
      id: new JsonInteger(location.id),
      name: location.name,
      address1: location.address1,
      address2: null,
      city: location.city,
      zip: location.zip,
      province: location.province,
      country: location.countryCode,
      phone: location.phone,
      created_at: this.at(location.createdAt),
      updated_at: this.at(location.updatedAt),
      country_code: location.countryCode,
      country_name: location.country,
      province_code: location.provinceCode,
      legacy: false,
      active: location.isActive,
      admin_graphql_api_id: `gid://shopify/Location/${location.id}`,
      localized_country_name: location.country,
      localized_province_name: location.province,
    });
  }

  itemPayload(item: SimInventoryItem): string {
    return toJsonText({
      id: new JsonInteger(item.id),
      sku: item.sku ?? '',
      created_at: this.at(item.createdAt),
      updated_at: this.at(item.updatedAt),
      requires_shipping: item.requiresShipping,
      cost: item.costCents === null ? null : restAmount(item.costCents),
      country_code_of_origin: item.countryCodeOfOrigin,
      province_code_of_origin: null,
      harmonized_system_code: item.harmonizedSystemCode,
      tracked: item.tracked,
      country_harmonized_system_codes: [],
      admin_graphql_api_id: `gid://shopify/InventoryItem/${item.id}`,
    });
  }

  levelPayload(level: SimInventoryLevel): string {
    return toJsonText({
      inventory_item_id: new JsonInteger(level.itemId),
      location_id: new JsonInteger(level.locationId),
      available: level.quantities.available,
      updated_at: this.at(level.updatedAt),
      admin_graphql_api_id: levelGid(level),
    });
  }

  // ---- building -------------------------------------------------------------------------------

  private buildLocation(input: z.output<typeof locationInputSchema>, at: number): SimLocation {
    this.nextLocationId += BigInt(this.random.int(1, 500));
    const countryCode = input.countryCode ?? 'US';
    const place = countries[countryCode];
    return {
      id: this.nextLocationId.toString(),
      name: input.name ?? `Location ${this.locationMap.size + 1}`,
      isActive: true,
      address1: `${this.random.int(1, 999)} Commerce Way`,
      city: input.city ?? 'Springfield',
      zip: String(this.random.int(10000, 99999)),
      province: place.province,
      provinceCode: place.provinceCode,
      country: place.country,
      countryCode,
      phone: null,
      createdAt: at,
      updatedAt: at,
    };
  }

  private buildItem(input: z.output<typeof inventoryItemInputSchema>, at: number): SimInventoryItem {
    this.nextItemId += BigInt(this.random.int(1, 5000));
    return {
      id: this.nextItemId.toString(),
      sku: input.sku !== undefined ? input.sku : `SKU-${this.random.int(10_000, 99_999)}`,
      tracked: input.tracked ?? true,
      requiresShipping: true,
      costCents: input.costCents !== undefined ? input.costCents : this.random.int(100, 20_000),
      countryCodeOfOrigin: this.random.chance(0.5) ? 'US' : null,
      harmonizedSystemCode: null,
      createdAt: at,
      updatedAt: at,
    };
  }

  private buildLevel(itemId: string, locationId: string, at: number, empty = false): SimInventoryLevel {
    this.nextLevelId += BigInt(this.random.int(1, 50));
    const some = (max: number) => (empty ? 0 : this.random.int(0, max));
    return {
      id: this.nextLevelId.toString(),
      itemId,
      locationId,
      quantities: withOnHand({
        available: some(200),
        committed: some(10),
        incoming: some(50),
        reserved: some(3),
        damaged: some(2),
        safety_stock: some(5),
        quality_control: some(2),
      }),
      createdAt: at,
      updatedAt: at,
    };
  }

  private storeLevel(level: SimInventoryLevel): void {
    this.levelMap.set(`${level.itemId}:${level.locationId}`, level);
  }

  private requireLocation(id: string): SimLocation {
    const location = this.location(id);
    if (!location) throw new InventoryNotFoundError(`No location ${id} in this shop`);
    return location;
  }

  private requireItem(id: string): SimInventoryItem {
    const item = this.item(id);
    if (!item) throw new InventoryNotFoundError(`No inventory item ${id} in this shop`);
    return item;
  }

  private requireLevel(itemId: string, locationId: string): SimInventoryLevel {
    const level = this.level(itemId, locationId);
    if (!level) throw new InventoryNotFoundError(`Item ${itemId} is not stocked at location ${locationId}`);
    return level;
  }
}

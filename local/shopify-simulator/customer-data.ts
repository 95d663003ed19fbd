import type { SimAddress, SimCustomer, SimCustomerState } from './customer.js';
import type { SeededRandom } from './random.js';

const firstNames = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Amelia',
  'Oliver',
  'Sophia',
  'Elijah',
  'Mia',
  'Lucas',
  'Isabella',
  'Mateo',
  'Chloé',
  'Léa',
  'Jürgen',
  'Søren',
  'Aoife',
  'Siobhán',
  'Hiroshi',
  'Yuki',
  'Priya',
  'Arjun',
  'Fatima',
  'Omar',
  'Zoë',
  'José',
  'María',
  'Björn',
  'Ingrid',
  'Kwame',
  'Ama',
  'Mei',
  'Wei',
  'Anaïs',
];
const lastNames = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'García',
  'Müller',
  'Schmidt',
  'Dubois',
  'Martin',
  "O'Brien",
  'Nakamura',
  'Tanaka',
  'Patel',
  'Singh',
  'Nguyen',
  'Kowalski',
  'van der Berg',
  'Rossi',
  'Andersson',
  'Mensah',
  'Chen',
  'Li',
  'Silva',
  'Hernández',
  'Murphy',
  'Dupont',
  'Jensen',
  'Okafor',
  'Fischer',
];
const companies = [null, null, null, 'Acme Ltd', 'Northwind Traders', 'Globex', 'Initech', 'Umbrella GmbH'];
const notes = [
  null,
  null,
  null,
  'VIP: prefers email contact',
  'Wholesale enquiry pending',
  'Gift orders only',
];
const tagPool = ['vip', 'wholesale', 'newsletter', 'returning', 'b2b', 'local-pickup'];
const emailDomains = ['example.com', 'example.org', 'example.net', 'mail.example'];

interface CountrySpec {
  readonly name: string;
  readonly code: string;
  readonly dialCode: string;
  readonly regions: readonly { name: string; code: string; cities: readonly string[] }[];
  readonly zip: (random: SeededRandom) => string;
}

const digits = (random: SeededRandom, count: number): string =>
  Array.from({ length: count }, () => String(random.int(0, 9))).join('');

const countries: readonly CountrySpec[] = [
  {
    name: 'United States',
    code: 'US',
    dialCode: '1',
    regions: [
      { name: 'California', code: 'CA', cities: ['San Francisco', 'Los Angeles', 'San Diego'] },
      { name: 'New York', code: 'NY', cities: ['New York', 'Buffalo', 'Albany'] },
      { name: 'Texas', code: 'TX', cities: ['Austin', 'Houston', 'Dallas'] },
    ],
    zip: (r) => digits(r, 5),
  },
  {
    name: 'Canada',
    code: 'CA',
    dialCode: '1',
    regions: [
      { name: 'Ontario', code: 'ON', cities: ['Ottawa', 'Toronto'] },
      { name: 'Quebec', code: 'QC', cities: ['Montréal', 'Québec'] },
    ],
    zip: (r) => `K${r.int(0, 9)}H ${r.int(0, 9)}A${r.int(0, 9)}`,
  },
  {
    name: 'United Kingdom',
    code: 'GB',
    dialCode: '44',
    regions: [{ name: 'England', code: 'ENG', cities: ['London', 'Manchester', 'Bristol'] }],
    zip: (r) => `SW${r.int(1, 9)}A ${r.int(1, 9)}AA`,
  },
  {
    name: 'Germany',
    code: 'DE',
    dialCode: '49',
    regions: [
      { name: 'Berlin', code: 'BE', cities: ['Berlin'] },
      { name: 'Bavaria', code: 'BY', cities: ['München', 'Nürnberg'] },
    ],
    zip: (r) => digits(r, 5),
  },
  {
    name: 'Australia',
    code: 'AU',
    dialCode: '61',
    regions: [{ name: 'New South Wales', code: 'NSW', cities: ['Sydney', 'Newcastle'] }],
    zip: (r) => digits(r, 4),
  },
  {
    name: 'Japan',
    code: 'JP',
    dialCode: '81',
    regions: [{ name: 'Tōkyō', code: 'JP-13', cities: ['Shibuya', 'Shinjuku'] }],
    zip: (r) => `${digits(r, 3)}-${digits(r, 4)}`,
  },
];

const streets = [
  'Main St',
  'Elm Street',
  'High Street',
  'Hauptstraße',
  'Rue de la Paix',
  'Sakura-dori',
  'King St W',
];
const states: readonly SimCustomerState[] = [
  'ENABLED',
  'ENABLED',
  'DISABLED',
  'DISABLED',
  'DISABLED',
  'INVITED',
  'DECLINED',
];

const DAY_MS = 86_400_000;
const wholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

const asciiLocal = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-zA-Z]/g, '')
    .toLowerCase();

export interface SeedIds {
  nextCustomerId(): string;
  nextAddressId(): string;
}

/**
 * Deterministic, realistic customers: the same seed and clock give the same shop. Created within
 * the last two years and last updated before `now`, ids increasing with creation time like Shopify's.
 */
export function generateCustomers(
  count: number,
  random: SeededRandom,
  now: number,
  ids: SeedIds,
): SimCustomer[] {
  const createdTimes = Array.from({ length: count }, () =>
    wholeSecond(now - DAY_MS - random.next() * 729 * DAY_MS),
  ).sort((a, b) => a - b);

  return createdTimes.map((createdAt, index) => {
    const firstName = random.chance(0.03) ? null : random.pick(firstNames);
    const lastName = random.pick(lastNames);
    const country = random.pick(countries);
    const region = random.pick(country.regions);
    const phone = random.chance(0.7) ? `+${country.dialCode}${random.int(2, 9)}${digits(random, 9)}` : null;
    const email = random.chance(0.95)
      ? `${asciiLocal(firstName ?? 'customer')}.${asciiLocal(lastName)}.${index + 1}@${random.pick(emailDomains)}`
      : null;
    const address: SimAddress | null = random.chance(0.85)
      ? {
          id: ids.nextAddressId(),
          firstName,
          lastName,
          company: random.pick(companies),
          address1: `${random.int(1, 999)} ${random.pick(streets)}`,
          address2: random.chance(0.2) ? `Apt ${random.int(1, 40)}` : null,
          city: random.pick(region.cities),
          province: region.name,
          provinceCode: region.code,
          country: country.name,
          countryCode: country.code,
          zip: country.zip(random),
          phone,
        }
      : null;
    const state = random.pick(states);
    const updatedAt = wholeSecond(createdAt + random.next() * (now - 3_600_000 - createdAt));
    const taxExempt = random.chance(0.05);
    return {
      id: ids.nextCustomerId(),
      firstName,
      lastName,
      email,
      phone,
      state,
      verifiedEmail: email !== null && random.chance(0.8),
      taxExempt,
      taxExemptions: taxExempt && country.code === 'CA' ? ['CA_STATUS_CARD_EXEMPTION'] : [],
      note: random.pick(notes),
      tags: tagPool.filter(() => random.chance(0.15)),
      numberOfOrders: random.int(0, 40),
      multipassIdentifier: null,
      createdAt,
      updatedAt: Math.max(updatedAt, createdAt),
      defaultAddress: address,
    };
  });
}

/**
 * Local time of the countries the store serves: analytics counts adds per hour of day in the
 * cart's country's own time. A country spanning several zones uses its capital's (Indonesia:
 * Jakarta); a country not listed counts in UTC.
 */
const ZONES: Readonly<Record<string, string>> = {
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  ID: 'Asia/Jakarta',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  PH: 'Asia/Manila',
  BN: 'Asia/Brunei',
  KH: 'Asia/Phnom_Penh',
  LA: 'Asia/Vientiane',
  MM: 'Asia/Yangon',
  TL: 'Asia/Dili',
};

const formats = new Map<string, Intl.DateTimeFormat>();

/** The IANA time zone analytics uses for `country`. */
export const timeZoneOf = (country: string): string => ZONES[country] ?? 'UTC';

/** The hour of day (0-23) of `at` in `country`'s local time. */
export function localHour(at: Date, country: string): number {
  const zone = timeZoneOf(country);
  let format = formats.get(zone);
  if (!format) formats.set(zone, (format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' })));
  return Number(format.formatToParts(at).find((p) => p.type === 'hour')?.value ?? 0) % 24;
}

/** The start of the UTC hour `at` falls in (the rollups' bucket). */
export const hourOf = (at: Date): Date => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);

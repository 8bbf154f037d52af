/**
 * Element values with mdoc-specific CBOR encodings: full-date (tag 1004) and tdate (tag 0),
 * and the JSON-friendly view comity returns as claims.
 *
 * @module
 */
import { base64urlEncode, ComityUsageError } from '@comity/core';
import { CborFloat, type CborValue, DataItem, Tagged } from './internal/cbor.js';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date without time, encoded as `#6.1004(tstr "YYYY-MM-DD")` (RFC 8943): use it for
 * `birth_date`, `issue_date`, `expiry_date` and dates inside `driving_privileges`.
 *
 * @example
 * ```ts
 * const nameSpaces = { 'org.iso.18013.5.1': { birth_date: new FullDate('1990-01-31') } };
 * ```
 * @throws ComityUsageError `ERR_USAGE_FULL_DATE` for a malformed date
 * @see RFC 8943 §2.1, ISO/IEC 18013-5 §7.2.1
 */
export class FullDate {
  readonly value: string;
  constructor(value: string) {
    const m = FULL_DATE.exec(value);
    const d = m === null ? undefined : new Date(`${value}T00:00:00Z`);
    if (d === undefined || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
      throw new ComityUsageError('ERR_USAGE_FULL_DATE', 'full-date must be a valid YYYY-MM-DD date');
    }
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/**
 * Formats a Date as an mdoc tdate text: RFC 3339 UTC without fractional seconds.
 *
 * @example
 * ```ts
 * formatTdate(new Date('2026-01-02T03:04:05.678Z')); // '2026-01-02T03:04:05Z'
 * ```
 * @throws ComityUsageError `ERR_USAGE_DATE` for an invalid Date or a year outside 0000–9999
 * @see ISO/IEC 18013-5:2021 §9.1.2.4 (tdate), RFC 8949 §3.4.1, RFC 3339 §5.6
 */
export function formatTdate(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new ComityUsageError('ERR_USAGE_DATE', 'expected a valid Date');
  // RFC 3339 has four-digit years only: toISOString would write `+010000-…` or `-000001-…`.
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new ComityUsageError('ERR_USAGE_DATE', 'a tdate year must be between 0000 and 9999');
  return `${date.toISOString().slice(0, 19)}Z`;
}

const STRICT_TDATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const LENIENT_TDATE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** The decimal value of `text[from, to)` (only called on text the strict pattern matched). */
function digits(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (text.charCodeAt(i) - 48);
  return v;
}

/** Result of reading a tdate: the instant and whether it deviates from the 18013-5 profile. */
export interface ParsedTdate {
  readonly date: Date;
  readonly text: string;
  /** True for fractional seconds or a non-`Z` offset (RFC 3339 but outside the profile). */
  readonly deviates: boolean;
}

/**
 * Reads a `#6.0(tstr)` tdate leniently: RFC 3339 with fractional seconds or an offset is accepted
 * and flagged as `deviates`; anything else (untagged, tag 1, malformed) gives undefined.
 *
 * @example
 * ```ts
 * const t = readTdate(value);
 * if (t === undefined) throw new ComityError('ERR_MDOC_TDATE_INVALID', 'not a tdate');
 * ```
 * @see ISO/IEC 18013-5:2021 §9.1.2.4, RFC 8943
 */
export function readTdate(value: CborValue): ParsedTdate | undefined {
  if (!(value instanceof Tagged) || value.tag !== 0 || typeof value.value !== 'string') return undefined;
  const text = value.value;
  if (text.length > 40) return undefined;
  if (STRICT_TDATE.test(text)) {
    const date = calendarDate(text);
    return date === undefined ? undefined : { date, text, deviates: false };
  }
  if (!LENIENT_TDATE.test(text)) return undefined;
  // The same calendar and clock ranges as the profile form (Date would roll 30 February over
  // into March), and an offset of at most 23:59.
  if (calendarDate(text) === undefined) return undefined;
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  if (offset !== null && (digits(offset[2] as string, 0, 2) > 23 || digits(offset[3] as string, 0, 2) > 59)) return undefined;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  return { date, text, deviates: true };
}

/** The UTC instant of `YYYY-MM-DDTHH:MM:SS` at the start of `text`, or undefined when a component is out of range. */
function calendarDate(text: string): Date | undefined {
  // Components are range-checked by rebuilding them (no 30 February, no hour 24).
  const y = digits(text, 0, 4);
  const mo = digits(text, 5, 7);
  const d = digits(text, 8, 10);
  const h = digits(text, 11, 13);
  const mi = digits(text, 14, 16);
  const se = digits(text, 17, 19);
  // Date.UTC maps the years 0 to 99 to 1900 to 1999; setUTCFullYear takes the year as given.
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, se));
  date.setUTCFullYear(y, mo - 1, d);
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    se > 59
  ) {
    return undefined;
  }
  return date;
}

/**
 * The JSON-friendly view of a decoded CBOR value, as used in verification claims (never throws):
 * full-date → `"YYYY-MM-DD"`, tdate → its RFC 3339 text, byte strings → base64url text,
 * maps → objects (keys as strings), integers beyond 2^53 → decimal strings, floats → numbers, undefined → null,
 * other tags → `{ tag, value }`, embedded CBOR (tag 24) → `{ tag: 24, value: base64url }`.
 *
 * @example
 * ```ts
 * toJsonValue(new Tagged(1004, '2019-10-20')); // '2019-10-20'
 * ```
 * @see RFC 8949 §6.1 (converting CBOR to JSON)
 */
export function toJsonValue(value: CborValue, depth = 0): unknown {
  if (depth > 64) return null;
  if (value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return base64urlEncode(value);
  if (Array.isArray(value)) return value.map((v) => toJsonValue(v, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, v] of value) out[String(k)] = toJsonValue(v, depth + 1);
    return out;
  }
  if (value instanceof Tagged) {
    if ((value.tag === 1004 || value.tag === 0) && typeof value.value === 'string') return value.value;
    return { tag: value.tag, value: toJsonValue(value.value, depth + 1) };
  }
  if (value instanceof DataItem) return { tag: 24, value: base64urlEncode(value.content) };
  if (value instanceof CborFloat) return value.value;
  return value;
}

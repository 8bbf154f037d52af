/**
 * The shape of what the verifier asked for, checked before anything is verified: a typo in an
 * expectation must not quietly switch a rule off (an unknown `format` used to fall through to
 * the plain SD-JWT rules, a numeric nonce to no nonce check at all).
 *
 * @module
 */
import { ComityUsageError } from '@comity/core';

const FORMATS: readonly unknown[] = ['auto', 'sd-jwt', 'dc+sd-jwt', 'mso_mdoc'];

const nonEmptyString = (v: unknown): boolean => typeof v === 'string' && v !== '';

/** One rule per expectation member: `undefined` is always allowed (the member is optional). */
const RULES: Readonly<Record<string, (v: unknown) => boolean>> = {
  format: (v) => FORMATS.includes(v),
  // An empty nonce or audience would bind the key binding to nothing the verifier chose.
  nonce: nonEmptyString,
  audience: nonEmptyString,
  keyBinding: (v) => typeof v === 'boolean',
  kbMaxAgeSeconds: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
  typ: nonEmptyString,
  // An empty list would accept no vct at all: a mistake, not a policy.
  vctValues: (v) => Array.isArray(v) && v.length > 0 && v.every(nonEmptyString),
  sessionTranscript: (v) => v instanceof Uint8Array,
  handover: (v) => v !== null && typeof v === 'object',
  readerPrivateKey: (v) => v !== null && typeof v === 'object',
  docType: nonEmptyString,
};

const ownCopy = (v: unknown): unknown => (Array.isArray(v) ? Object.freeze([...v]) : v instanceof Uint8Array ? new Uint8Array(v) : v);

/**
 * Refuses expectations the verifier could not honour, and returns the copy that was checked (lists
 * and bytes copied as well):
 * every enumerable member, inherited ones included (a member read later but never checked, such
 * as a `format` typo on a prototype, would switch the VC rules off).
 *
 * @throws ComityUsageError `ERR_USAGE_EXPECTATIONS` naming the member (never its value)
 */
export function checkExpectations<T extends object>(expect: T): T {
  if (expect === null || typeof expect !== 'object' || Array.isArray(expect)) {
    throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', 'the expectations must be an object');
  }
  const copy: Record<string, unknown> = {};
  // Lists and bytes are copied too, before they are checked: verification is asynchronous, and
  // vct values pushed by the caller while it ran used to reach the vct check (accepted a type
  // the request did not accept).
  for (const field in expect) copy[field] = ownCopy((expect as Record<string, unknown>)[field]);
  for (const [field, value] of Object.entries(copy)) {
    if (value === undefined) continue;
    const rule = RULES[field];
    if (rule === undefined) throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', `unknown expectation "${field}"`);
    if (!rule(value)) throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', `the expectation "${field}" is not valid`);
  }
  // The plain SD-JWT rules have no vct: accepting vct values there would check nothing.
  if (copy.format === 'sd-jwt' && copy.vctValues !== undefined) {
    throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', 'vctValues needs the SD-JWT VC rules, not format "sd-jwt"');
  }
  return copy as T;
}

const SD_JWT_MEMBERS = ['nonce', 'audience', 'keyBinding', 'kbMaxAgeSeconds', 'typ', 'vctValues'];
const MDOC_MEMBERS = ['sessionTranscript', 'handover', 'readerPrivateKey', 'docType'];

/**
 * True when the (checked) expectations are only for an mdoc: then an SD-JWT must not be
 * verified with none of its binding inputs (its KB-JWT nonce and audience would go unchecked).
 */
export function expectsOnlyMdoc(expect: object): boolean {
  const given = (field: string) => (expect as Readonly<Record<string, unknown>>)[field] !== undefined;
  return MDOC_MEMBERS.some(given) && !SD_JWT_MEMBERS.some(given);
}

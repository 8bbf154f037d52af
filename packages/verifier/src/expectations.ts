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

/**
 * Refuses expectations the verifier could not honour.
 *
 * @throws ComityUsageError `ERR_USAGE_EXPECTATIONS` naming the member (never its value)
 */
export function checkExpectations(expect: unknown): void {
  if (expect === null || typeof expect !== 'object' || Array.isArray(expect)) {
    throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', 'the expectations must be an object');
  }
  for (const [field, value] of Object.entries(expect)) {
    if (value === undefined) continue;
    const rule = RULES[field];
    if (rule === undefined) throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', `unknown expectation "${field}"`);
    if (!rule(value)) throw new ComityUsageError('ERR_USAGE_EXPECTATIONS', `the expectation "${field}" is not valid`);
  }
}

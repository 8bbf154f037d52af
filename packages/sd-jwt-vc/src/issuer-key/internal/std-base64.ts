/**
 * Strict standard base64 (RFC 4648 §4) for `x5c` entries and SRI digests: only the
 * standard alphabet, correct padding, canonical trailing bits. Browser-safe (atob/btoa).
 *
 * @module
 */
import { ComityError } from '@comity/core';

const STD_B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes standard base64. `allowMissingPadding` accepts the unpadded form SRI's grammar
 * permits; everything else must be exact.
 *
 * @throws ComityError `code`
 */
export function decodeStdBase64(text: string, code: string, what: string, allowMissingPadding = false): Uint8Array {
  let t = text;
  if (allowMissingPadding && t.length % 4 !== 0 && !t.includes('=')) t += '='.repeat((4 - (t.length % 4)) % 4);
  if (t.length === 0 || t.length % 4 !== 0 || !STD_B64.test(t)) throw new ComityError(code, `${what} is not valid base64`);
  let bin: string;
  try {
    bin = atob(t);
  } catch (cause) {
    throw new ComityError(code, `${what} is not valid base64`, { cause: new Error(cause instanceof Error ? cause.name : 'base64') });
  }
  // Canonical form only: one byte string, one encoding.
  if (btoa(bin) !== t) throw new ComityError(code, `${what} is not canonical base64`);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

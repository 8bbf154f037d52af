/**
 * The few DER reads issuer-key resolution needs: the subjectAltName extension value
 * (RFC 5280 §4.2.1.6). Bounds-checked; anything unexpected is an error, never a crash.
 *
 * @module
 */
import { ComityError } from '@comity/core';

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
}

function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  const fail = (): never => {
    throw new ComityError('ERR_SDJWT_X5C_INVALID', 'certificate subjectAltName is not valid DER');
  };
  if (offset + 2 > limit) fail();
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) fail(); // multi-byte tags do not occur in GeneralNames
  let len = bytes[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) fail();
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | (bytes[p + i] as number);
    p += n;
  }
  if (p + len > limit) fail();
  return { tag, start: p, end: p + len };
}

/** The names of a subjectAltName extension that comity matches against `iss`. */
export interface SubjectAltNames {
  readonly dnsNames: readonly string[];
  readonly uris: readonly string[];
}

/**
 * Reads dNSName ([2]) and uniformResourceIdentifier ([6]) entries of a GeneralNames
 * SEQUENCE; other name forms are skipped.
 *
 * @throws ComityError `ERR_SDJWT_X5C_INVALID`
 */
export function parseSubjectAltNames(value: Uint8Array): SubjectAltNames {
  const seq = readTlv(value, 0, value.length);
  if (seq.tag !== 0x30 || seq.end !== value.length) throw new ComityError('ERR_SDJWT_X5C_INVALID', 'certificate subjectAltName is not a SEQUENCE');
  const dnsNames: string[] = [];
  const uris: string[] = [];
  for (let p = seq.start; p < seq.end; ) {
    const item = readTlv(value, p, seq.end);
    if (item.tag === 0x82 || item.tag === 0x86) {
      let s = '';
      for (let i = item.start; i < item.end; i++) {
        const c = value[i] as number;
        if (c < 0x21 || c > 0x7e) throw new ComityError('ERR_SDJWT_X5C_INVALID', 'certificate subjectAltName holds a non-IA5 name');
        s += String.fromCharCode(c);
      }
      (item.tag === 0x82 ? dnsNames : uris).push(s);
    }
    p = item.end;
  }
  return { dnsNames, uris };
}

import { ComityError, toHex } from '@comity/core';

/** What the index needs from a certificate, read with a minimal DER walk (no full parse). */
export interface CertIndexInfo {
  /** Hex of the subject Name DER (compared with a presented certificate's issuer Name DER). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  readonly subjectKeyId?: string | undefined;
  readonly authorityKeyId?: string | undefined;
  readonly country?: string | undefined;
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  readonly next: number;
}

function bad(): never {
  throw new ComityError('ERR_TRUST_LIST_MALFORMED', 'certificate DER is malformed');
}

function tlv(b: Uint8Array, off: number, limit: number): Tlv {
  if (off + 2 > limit) bad();
  const tag = b[off] as number;
  let len = b[off + 1] as number;
  let start = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > limit) bad();
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (b[start + i] as number);
    start += n;
  }
  const end = start + len;
  if (end > limit) bad();
  return { tag, start, end, next: end };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = t.start; off < t.end; ) {
    const c = tlv(b, off, t.end);
    out.push(c);
    off = c.next;
    if (out.length > 64) bad();
  }
  return out;
}

const OID_SKI = '551d0e';
const OID_AKI = '551d23';
const OID_C = '550406';

/** Reads subject/issuer Name bytes, SKI, AKI and subject C from a certificate's DER. @throws ComityError `ERR_TRUST_LIST_MALFORMED` */
export function certIndexInfo(der: Uint8Array): CertIndexInfo {
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== 0x30) bad();
  const tbs = children(der, cert)[0] ?? bad();
  const f = children(der, tbs);
  let i = f[0]?.tag === 0xa0 ? 1 : 0;
  i += 2; // serialNumber, signature algorithm
  const issuer = f[i] ?? bad();
  const subject = f[i + 2] ?? bad();
  const hex = (t: Tlv): string => toHex(der.subarray(t.start, t.end));
  let country: string | undefined;
  for (const set of children(der, subject)) {
    for (const atv of children(der, set)) {
      const [oid, value] = children(der, atv);
      if (oid !== undefined && value !== undefined && toHex(der.subarray(oid.start, oid.end)) === OID_C)
        country = new TextDecoder().decode(der.subarray(value.start, value.end)).toUpperCase();
    }
  }
  let subjectKeyId: string | undefined;
  let authorityKeyId: string | undefined;
  const extsWrapper = f.find((t) => t.tag === 0xa3);
  if (extsWrapper !== undefined) {
    const exts = children(der, extsWrapper)[0];
    for (const ext of exts === undefined ? [] : children(der, exts)) {
      const parts = children(der, ext);
      const oid = parts[0];
      const value = parts[parts.length - 1];
      if (oid === undefined || value === undefined || value.tag !== 0x04) continue;
      const id = toHex(der.subarray(oid.start, oid.end));
      if (id === OID_SKI) {
        const inner = tlv(der, value.start, value.end);
        if (inner.tag === 0x04) subjectKeyId = toHex(der.subarray(inner.start, inner.end));
      } else if (id === OID_AKI) {
        const seq = tlv(der, value.start, value.end);
        const kid = children(der, seq).find((t) => t.tag === 0x80);
        if (kid !== undefined) authorityKeyId = toHex(der.subarray(kid.start, kid.end));
      }
    }
  }
  return { subjectKey: hex(subject), issuerKey: hex(issuer), subjectKeyId, authorityKeyId, country };
}

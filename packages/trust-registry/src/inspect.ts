/**
 * `inspectTrustFile`: auto-detects a trust file and describes it WITHOUT trusting it
 * (no pinned signer): LoTE JSON / JWS, TS 119 612 TL / LOTL XML, agreement list JWS, VICAL,
 * status list JWT.
 *
 * @module
 */
import { ComityError, isPlainObject, utf8Decode } from '@comity/core';
import { parseAgreementList } from './agreements.js';
import { decodeListJws } from './internal/jws-large.js';
import { certFromBase64 } from './internal/source-common.js';
import { parseLoTE } from './parse-lote.js';
import { parseLoTEXml } from './parse-lote-xml.js';
import { parseTrustedList } from './parse-trusted-list.js';
import { parseVical } from './parse-vical.js';
import type { TrustSource } from './types.js';

/** What `inspectTrustFile` found. */
export interface TrustFileInfo {
  readonly kind: 'lote' | 'trusted-list' | 'lotl' | 'agreement-list' | 'vical' | 'status-list';
  /** Whether the file carries a signature (it was NOT verified: inspection pins no signer). */
  readonly signed: boolean;
  /** SHA-256 thumbprint of the signer certificate the file names (x5c / KeyInfo / x5chain), if any. */
  readonly signerSha256?: string | undefined;
  readonly sequence?: number | undefined;
  readonly issued?: string | undefined;
  readonly nextUpdate?: string | undefined;
  readonly listType?: string | undefined;
  readonly territory?: string | undefined;
  /** Anchors per category. */
  readonly anchors?: Readonly<Record<string, number>> | undefined;
  readonly pointers?: ReadonlyArray<{ readonly location: string; readonly territory?: string | undefined; readonly signers: readonly string[] }> | undefined;
  readonly services?: number | undefined;
  readonly agreements?:
    | ReadonlyArray<{ readonly id: string; readonly version: string; readonly recogniser: string; readonly recognised: string; readonly state: string }>
    | undefined;
}

function summarise(s: TrustSource, signed: boolean, signerSha256?: string): TrustFileInfo {
  const anchors: Record<string, number> = {};
  for (const a of s.anchors) anchors[a.category] = (anchors[a.category] ?? 0) + 1;
  return {
    kind: s.kind === 'x509' || s.kind === 'jwks' ? 'lote' : s.kind,
    signed,
    signerSha256,
    sequence: s.sequence,
    issued: s.issued?.toISOString(),
    nextUpdate: s.nextUpdate?.toISOString(),
    listType: s.listType,
    territory: s.territory,
    anchors,
    pointers: s.pointers?.map((p) => ({ location: p.location, territory: p.territory, signers: p.signerCertificates.map((c) => c.sha256) })),
  };
}

/**
 * Detects and describes a trust file without verifying it.
 *
 * @example
 * ```ts
 * const info = await inspectTrustFile(await readFile('pid-providers.jws'));
 * console.log(info.kind, info.sequence, info.anchors);
 * ```
 * @throws ComityError `ERR_TRUST_FILE_UNKNOWN` when the format is not recognised, or the parser's code
 * @see ETSI TS 119 602; ETSI TS 119 612; ISO/IEC 18013-5 Annex C
 */
export async function inspectTrustFile(bytes: Uint8Array | string): Promise<TrustFileInfo> {
  const raw = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const first = raw.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf);
  if (first === 0x3c && /<(?:\w+:)?ListOfTrustedEntities[\s>]/.test(utf8Decode(raw, 'XML'))) {
    const signed = /<(?:\w+:)?Signature[\s>]/.test(utf8Decode(raw, 'XML'));
    return summarise(await parseLoTEXml(raw), signed);
  }
  if (first === 0x3c) {
    const tl = await parseTrustedList(raw);
    const signed = /<(?:\w+:)?Signature[\s>]/.test(utf8Decode(raw, 'XML'));
    return { ...summarise(tl, signed), services: tl.services.length };
  }
  if (first === 0x7b) return summarise(await parseLoTE(raw), false);
  let text: string | undefined;
  try {
    text = utf8Decode(raw, 'file').trim();
  } catch {
    text = undefined;
  }
  if (text !== undefined && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(text)) {
    const jws = decodeListJws(text, 'trust file', 'ERR_TRUST_LIST');
    const x5c = Array.isArray(jws.header.x5c) && typeof jws.header.x5c[0] === 'string' ? (await certFromBase64(jws.header.x5c[0], 'x5c')).sha256 : undefined;
    if (jws.header.typ === 'comity-agreements+jwt' || jws.payload.type === 'comity-agreement-list') {
      const list = parseAgreementList(jws.payload);
      return {
        kind: 'agreement-list',
        signed: true,
        signerSha256: x5c,
        sequence: list.sequence,
        issued: list.issued,
        nextUpdate: list.nextUpdate,
        territory: list.issuer,
        agreements: list.agreements.map((a) => ({
          id: a.id,
          version: a.version,
          recogniser: a.recogniser.jurisdiction,
          recognised: a.recognised.jurisdiction,
          state: a.status.state,
        })),
      };
    }
    if (jws.header.typ === 'statuslist+jwt') {
      return { kind: 'status-list', signed: true, signerSha256: x5c, territory: typeof jws.payload.sub === 'string' ? jws.payload.sub : undefined };
    }
    if (isPlainObject(jws.payload.LoTE) || isPlainObject(jws.payload.ListAndSchemeInformation)) return summarise(await parseLoTE(jws.payload), true, x5c);
  }
  if (first !== undefined && (first === 0x84 || first === 0xd2)) return summarise(await parseVical(raw), true);
  throw new ComityError('ERR_TRUST_FILE_UNKNOWN', 'the file is not a recognised trust list, agreement list or VICAL');
}

/**
 * A JSON-friendly decoded view of mdoc CBOR (DeviceResponse, Document or IssuerSigned) for
 * `comity inspect`. Nothing is verified; salts are shown by length only.
 *
 * @module
 */
import { base64urlEncode, ComityError, toHex } from '@comity/core';
import { type CborMap, type CborValue, DataItem, decodeCbor } from './internal/cbor.js';
import { asMap, asText, asUint } from './internal/read.js';
import { parseIssuerSigned } from './parse-issuer-signed.js';
import { toJsonValue } from './values.js';

/** Sets an own property (a namespace named `__proto__` must show, not become the view's prototype). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function viewIssuerSigned(value: CborValue): Record<string, unknown> {
  const s = parseIssuerSigned(value);
  const nameSpaces: Record<string, unknown> = {};
  for (const [ns, items] of s.nameSpaces) {
    setOwn(
      nameSpaces,
      ns,
      items.map((i) => ({
        digestID: i.digestID,
        elementIdentifier: i.elementIdentifier,
        elementValue: toJsonValue(i.elementValue),
        randomLength: i.random.length,
      })),
    );
  }
  const mso = s.mso;
  const valueDigests: Record<string, Record<string, string>> = {};
  for (const [ns, d] of mso.valueDigests) setOwn(valueDigests, ns, Object.fromEntries([...d].map(([id, v]) => [String(id), toHex(v)])));
  return {
    nameSpaces,
    issuerAuth: {
      alg: s.issuerAuth.alg ?? toJsonValue(s.issuerAuth.coseAlg),
      x5chain: s.issuerAuth.x5chain?.map((der) => base64urlEncode(der)),
    },
    mso: {
      version: mso.version,
      digestAlgorithm: mso.digestAlgorithm,
      docType: mso.docType,
      validityInfo: Object.fromEntries(Object.entries(mso.validityInfo).map(([k, v]) => [k, v.text])),
      deviceKey: mso.deviceKey,
      keyAuthorizations:
        mso.keyAuthorizations === undefined
          ? undefined
          : { nameSpaces: mso.keyAuthorizations.nameSpaces, dataElements: Object.fromEntries(mso.keyAuthorizations.dataElements) },
      valueDigests,
      status: mso.status === undefined ? undefined : toJsonValue(mso.status),
    },
    warnings: s.warnings.map((w) => w.code),
  };
}

function viewDocument(doc: CborMap): Record<string, unknown> {
  const deviceSigned = doc.get('deviceSigned');
  let device: unknown;
  if (deviceSigned instanceof Map) {
    const ns = deviceSigned.get('nameSpaces');
    const auth = deviceSigned.get('deviceAuth');
    device = {
      nameSpaces: ns instanceof DataItem ? toJsonValue(decodeCbor(ns.content)) : null,
      deviceAuth: auth instanceof Map ? [...auth.keys()].map(String) : null,
    };
  }
  return { docType: toJsonValue(doc.get('docType')), issuerSigned: viewIssuerSigned(doc.get('issuerSigned')), deviceSigned: device };
}

/**
 * Decodes mdoc CBOR into a JSON-friendly view: `{ kind: 'DeviceResponse' | 'Document' | 'IssuerSigned', ... }`.
 * Byte strings appear as base64url, digests as hex, dates as their text.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(inspectMdoc(bytes), null, 2));
 * ```
 * @throws ComityError `ERR_MDOC_STRUCTURE`, `ERR_MDOC_CBOR_*` and the parse codes of {@link parseIssuerSigned}
 */
export function inspectMdoc(bytes: Uint8Array): Record<string, unknown> {
  const value = decodeCbor(bytes);
  const map = asMap(value, 'mdoc');
  if (map.has('issuerAuth')) return { kind: 'IssuerSigned', ...viewIssuerSigned(map) };
  if (map.has('issuerSigned')) return { kind: 'Document', ...viewDocument(map) };
  if (map.has('version') && map.has('status')) {
    const docs = map.get('documents');
    return {
      kind: 'DeviceResponse',
      version: asText(map.get('version'), 'version', ['version']),
      status: asUint(map.get('status'), 'status', ['status']),
      documents: Array.isArray(docs) ? docs.map((d) => viewDocument(asMap(d, 'Document'))) : [],
      documentErrors: toJsonValue(map.get('documentErrors')),
    };
  }
  throw new ComityError('ERR_MDOC_STRUCTURE', 'not a DeviceResponse, Document or IssuerSigned');
}

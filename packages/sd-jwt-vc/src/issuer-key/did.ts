/**
 * Issuer keys from DIDs: did:jwk, did:key and did:web through `did-resolver`, with the
 * verification method required to be in `assertionMethod`.
 *
 * @module
 */
import { type ComityContext, ComityError, decodeJsonSegment, fetchJson, isPlainObject, type JsonObject, type Jwk, parsePublicJwk } from '@comity/core';
import { type DIDDocument, type DIDResolutionResult, type DIDResolver, parse, Resolver, type VerificationMethod } from 'did-resolver';
import type { IssuerKeyCandidate, IssuerKeyInput, IssuerKeyResolver } from './index.js';
import { MAX_CANDIDATES } from './internal/jwks.js';
import { decodeMultikey } from './internal/multikey.js';
import { checkOutboundUrl } from './internal/url.js';

/** DID methods comity resolves itself. */
export type DidMethodName = 'jwk' | 'key' | 'web';

/** Options of {@link didIssuerKey}. */
export interface DidIssuerKeyOptions {
  /** Methods permitted by policy. Default: all of `jwk`, `key`, `web`. */
  readonly methods?: readonly DidMethodName[];
  /** did:web only: allow `http:` to loopback hosts (tests, local services). Default false. */
  readonly allowLoopbackHttp?: boolean;
  /** did:web only: largest DID document accepted, in bytes. Default 64 KiB. */
  readonly maxBytes?: number;
  /** did:web only: request timeout in milliseconds. Default 5000. */
  readonly timeoutMs?: number;
}

const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost)(:\d{1,5})?$/;
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;
const RELATIONSHIPS = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation', 'keyAgreement'] as const;

/**
 * Decodes a Multikey `publicKeyMultibase` (base58btc `z…` of a multicodec key): Ed25519
 * (0xed), P-256 (0x1200) and P-384 (0x1201) compressed points, which are decompressed
 * and checked to be on the curve.
 *
 * @example
 * ```ts
 * const jwk = multikeyToJwk('zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169');
 * ```
 * @throws ComityError `ERR_SDJWT_DID_KEY_INVALID`, `ERR_SDJWT_DID_KEY_UNSUPPORTED`
 * @see W3C Controlled Identifiers 1.0 §2.2.2 (Multikey); did:key method §3.1
 */
export function multikeyToJwk(multibase: string): Jwk {
  const jwk = decodeMultikey(multibase);
  try {
    return parsePublicJwk(jwk, 'multikey');
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'multikey is not a valid public key', { cause });
  }
}

function document(did: string, vm: VerificationMethod, relationships: readonly string[]): DIDResolutionResult {
  const doc: DIDDocument = { '@context': ['https://www.w3.org/ns/did/v1'], id: did, verificationMethod: [vm] };
  for (const r of relationships) (doc as Record<string, unknown>)[r] = [vm.id];
  return { didResolutionMetadata: { contentType: 'application/did+json' }, didDocument: doc, didDocumentMetadata: {} };
}

const SIGNING = ['assertionMethod', 'authentication', 'capabilityInvocation', 'capabilityDelegation'];

const resolveDidJwk: DIDResolver = async (did, parsed) => {
  let raw: JsonObject;
  let jwk: Jwk;
  try {
    raw = decodeJsonSegment(parsed.id, 'did:jwk');
    jwk = parsePublicJwk(raw, 'did:jwk key');
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DID_INVALID', 'did:jwk does not hold a valid public JWK', { cause });
  }
  const vm: VerificationMethod = { id: `${did}#0`, type: 'JsonWebKey2020', controller: did, publicKeyJwk: jwk };
  // did:jwk §3.1: a key marked for encryption only gets keyAgreement, nothing else.
  return document(did, vm, raw.use === 'enc' ? ['keyAgreement'] : raw.use === 'sig' ? SIGNING : [...SIGNING, 'keyAgreement']);
};

const resolveDidKey: DIDResolver = async (did, parsed) => {
  multikeyToJwk(parsed.id); // rejects malformed or unsupported keys before a document exists
  const vm: VerificationMethod = { id: `${did}#${parsed.id}`, type: 'Multikey', controller: did, publicKeyMultibase: parsed.id };
  return document(did, vm, SIGNING);
};

function didWebUrl(id: string, allowLoopbackHttp: boolean): string {
  const parts = id.split(':');
  let host: string;
  let path: string[];
  try {
    host = decodeURIComponent(parts[0] as string);
    path = parts.slice(1).map((p) => decodeURIComponent(p));
  } catch {
    throw new ComityError('ERR_SDJWT_DID_INVALID', 'did:web identifier is not validly percent-encoded');
  }
  if (!HOST.test(host) || path.some((p) => p === '' || p === '.' || p === '..' || /[/?#\\]/.test(p))) {
    throw new ComityError('ERR_SDJWT_DID_INVALID', 'did:web identifier is malformed');
  }
  const scheme = allowLoopbackHttp && LOOPBACK_HOST.test(host) ? 'http' : 'https';
  return path.length === 0 ? `${scheme}://${host}/.well-known/did.json` : `${scheme}://${host}/${path.map(encodeURIComponent).join('/')}/did.json`;
}

function didWebResolver(ctx: ComityContext, options: DidIssuerKeyOptions): DIDResolver {
  return async (did, parsed) => {
    const url = checkOutboundUrl(
      didWebUrl(parsed.id, options.allowLoopbackHttp === true),
      options.allowLoopbackHttp === true,
      'ERR_SDJWT_DID_INVALID',
      'did:web URL',
    );
    const { json } = await fetchJson(ctx, url.href, {
      allowLoopbackHttp: options.allowLoopbackHttp === true,
      maxBytes: options.maxBytes ?? 64 * 1024,
      timeoutMs: options.timeoutMs ?? 5000,
      accept: 'application/did+json, application/json',
    });
    if (!isPlainObject(json) || json.id !== did) throw new ComityError('ERR_SDJWT_DID_DOCUMENT_INVALID', 'the DID document does not describe the DID');
    return { didResolutionMetadata: { contentType: 'application/did+json' }, didDocument: json as unknown as DIDDocument, didDocumentMetadata: {} };
  };
}

interface Method {
  readonly id: string;
  readonly vm: Record<string, unknown>;
}

function absolute(did: string, ref: string): string {
  return ref.startsWith('#') ? `${did}${ref}` : ref;
}

/** Checks the parts of a DID document comity reads; returns every method by absolute id and the assertionMethod ids. */
function readDocument(did: string, doc: unknown): { methods: Map<string, Method>; assertion: Set<string> } {
  const invalid = (message: string): never => {
    throw new ComityError('ERR_SDJWT_DID_DOCUMENT_INVALID', message);
  };
  if (!isPlainObject(doc) || doc.id !== did) invalid('the DID document does not describe the DID');
  const d = doc as Record<string, unknown>;
  const methods = new Map<string, Method>();
  const addMethod = (vm: unknown): string => {
    if (!isPlainObject(vm) || typeof vm.id !== 'string' || typeof vm.type !== 'string') return invalid('a verification method is malformed');
    const id = absolute(did, vm.id);
    if (methods.has(id)) invalid('a verification method id appears twice');
    methods.set(id, { id, vm });
    return id;
  };
  if (d.verificationMethod !== undefined) {
    if (!Array.isArray(d.verificationMethod)) invalid('verificationMethod is not an array');
    for (const vm of d.verificationMethod as unknown[]) addMethod(vm);
  }
  const assertion = new Set<string>();
  for (const rel of RELATIONSHIPS) {
    const entries = d[rel];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) invalid(`${rel} is not an array`);
    for (const entry of entries as unknown[]) {
      let id: string;
      if (typeof entry === 'string') id = absolute(did, entry);
      else id = addMethod(entry);
      if (rel === 'assertionMethod') assertion.add(id);
    }
  }
  return { methods, assertion };
}

function keyOf(method: Method): Jwk {
  const { publicKeyJwk, publicKeyMultibase } = method.vm;
  if ((publicKeyJwk === undefined) === (publicKeyMultibase === undefined)) {
    throw new ComityError('ERR_SDJWT_DID_KEY_UNSUPPORTED', 'the verification method must carry exactly one of publicKeyJwk and publicKeyMultibase');
  }
  if (publicKeyMultibase !== undefined) {
    if (typeof publicKeyMultibase !== 'string') throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'publicKeyMultibase is not a string');
    return multikeyToJwk(publicKeyMultibase);
  }
  if (isPlainObject(publicKeyJwk) && ('d' in publicKeyJwk || 'p' in publicKeyJwk)) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'the verification method holds private key material');
  }
  try {
    return parsePublicJwk(publicKeyJwk, 'verification method key');
  } catch (cause) {
    throw new ComityError('ERR_SDJWT_DID_KEY_INVALID', 'the verification method key is not a supported public JWK', { cause });
  }
}

/**
 * A resolver for a DID `iss`: resolves did:jwk and did:key locally and did:web over
 * `ctx.fetch` (`https://host/.well-known/did.json`, or `https://host/path/did.json`),
 * through `did-resolver`. The header `kid` is a DID URL of `iss` or a bare fragment; the
 * verification method it names must be in the document's `assertionMethod` and carry
 * `publicKeyJwk` or `publicKeyMultibase`. Without a `kid`, every assertion method of the
 * DID is a candidate. `keyMethod` is `did`.
 *
 * @example
 * ```ts
 * const resolve = didIssuerKey({ methods: ['jwk', 'key'] });
 * const [candidate] = await resolve({ header: { alg: 'ES256', kid: `${did}#0` }, payload: { iss: did } }, ctx);
 * ```
 * @throws ComityError `ERR_SDJWT_ISSUER_KEY_UNRESOLVED` (iss not a DID), `ERR_SDJWT_DID_INVALID`, `ERR_SDJWT_DID_METHOD_UNSUPPORTED`,
 *   `ERR_SDJWT_DID_RESOLUTION_FAILED`, `ERR_SDJWT_DID_DOCUMENT_INVALID`, `ERR_SDJWT_DID_VM_NOT_FOUND`, `ERR_SDJWT_DID_VM_NOT_ASSERTION`,
 *   `ERR_SDJWT_DID_KEY_INVALID`, `ERR_SDJWT_DID_KEY_UNSUPPORTED`, `ERR_FETCH_*` (did:web)
 * @see draft-ietf-oauth-sd-jwt-vc §2.5 (ecosystem key mechanisms); W3C DID 1.0 §5.3.2 (assertionMethod); did:jwk, did:key, did:web method specs
 */
export function didIssuerKey(options: DidIssuerKeyOptions = {}): IssuerKeyResolver {
  const permitted = new Set<string>(options.methods ?? ['jwk', 'key', 'web']);
  return async (input: IssuerKeyInput, ctx: ComityContext): Promise<readonly IssuerKeyCandidate[]> => {
    const iss = input.payload.iss;
    if (typeof iss !== 'string' || !iss.startsWith('did:')) throw new ComityError('ERR_SDJWT_ISSUER_KEY_UNRESOLVED', 'iss is not a DID');
    const parsed = parse(iss);
    if (parsed === null || parsed.didUrl !== parsed.did) throw new ComityError('ERR_SDJWT_DID_INVALID', 'iss is not a valid DID');
    if (!permitted.has(parsed.method)) {
      throw new ComityError('ERR_SDJWT_DID_METHOD_UNSUPPORTED', 'the DID method is not supported or not permitted', { details: { method: parsed.method } });
    }
    const registry: Record<string, DIDResolver> = {};
    if (permitted.has('jwk')) registry.jwk = resolveDidJwk;
    if (permitted.has('key')) registry.key = resolveDidKey;
    if (permitted.has('web')) registry.web = didWebResolver(ctx, options);
    const result = await new Resolver(registry).resolve(iss);
    const error = result.didResolutionMetadata.error;
    if (error === 'invalidDid') throw new ComityError('ERR_SDJWT_DID_INVALID', 'iss is not a valid DID');
    if (error === 'unsupportedDidMethod') throw new ComityError('ERR_SDJWT_DID_METHOD_UNSUPPORTED', 'the DID method is not supported');
    if (error !== undefined || result.didDocument === null) throw new ComityError('ERR_SDJWT_DID_RESOLUTION_FAILED', 'the DID could not be resolved');
    const { methods, assertion } = readDocument(iss, result.didDocument);

    const kid = input.header.kid;
    let ids: string[];
    if (kid === undefined) {
      ids = [...assertion].filter((id) => id.startsWith(`${iss}#`)).slice(0, MAX_CANDIDATES);
      if (ids.length === 0) throw new ComityError('ERR_SDJWT_DID_VM_NOT_FOUND', 'the DID document has no assertion method');
    } else {
      if (typeof kid !== 'string') throw new ComityError('ERR_SDJWT_DID_VM_NOT_FOUND', 'the header kid is not a string');
      const id = absolute(iss, kid);
      if (!id.startsWith(`${iss}#`) || id.length === iss.length + 1) {
        throw new ComityError('ERR_SDJWT_DID_VM_NOT_FOUND', 'the header kid does not name a verification method of iss');
      }
      if (!methods.has(id)) throw new ComityError('ERR_SDJWT_DID_VM_NOT_FOUND', 'the DID document has no verification method for kid');
      if (!assertion.has(id)) throw new ComityError('ERR_SDJWT_DID_VM_NOT_ASSERTION', 'the verification method is not an assertion method');
      ids = [id];
    }
    const out: IssuerKeyCandidate[] = [];
    for (const id of ids) {
      const method = methods.get(id);
      if (method === undefined) throw new ComityError('ERR_SDJWT_DID_VM_NOT_FOUND', 'an assertion method is not defined in the DID document');
      const jwk = keyOf(method);
      out.push({ jwk, issuer: { id: iss, keyMethod: 'did', jwk } });
    }
    return out;
  };
}

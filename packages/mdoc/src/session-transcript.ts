/**
 * SessionTranscript builders for online presentation: OpenID4VP 1.0 (redirect and DC API),
 * ISO/IEC 18013-7 Annex B and Annex C, and caller-supplied bytes.
 *
 * @module
 */
import { base64urlEncode, bytesEqual, type ComityContext, ComityError, ComityUsageError, concatBytes, type Jwk } from '@comity/core';
import { type CborValue, DataItem, decodeCbor, encodeCbor, encodeText, wrapTag24 } from './internal/cbor.js';
import { jwkToCoseKey } from './internal/cose-key.js';

/** OpenID4VP 1.0 redirect-based response (`direct_post` / `direct_post.jwt`), Appendix B.2.6.1. */
export interface OpenId4VpHandoverInput {
  readonly type: 'openid4vp';
  /** The client_id with its prefix, e.g. `x509_san_dns:verifier.example`. */
  readonly clientId: string;
  readonly nonce: string;
  /** The response_uri (or redirect_uri when no response_uri was used). */
  readonly responseUri: string;
  /** RFC 7638 SHA-256 thumbprint bytes of the verifier's encryption JWK; null/absent when the response is not encrypted. */
  readonly jwkThumbprint?: Uint8Array | null;
}

/** OpenID4VP 1.0 over the Digital Credentials API, Appendix B.2.6.2. */
export interface OpenId4VpDcApiHandoverInput {
  readonly type: 'openid4vp-dcapi';
  /** The web origin as seen by the wallet, without an `origin:` prefix. */
  readonly origin: string;
  readonly nonce: string;
  /** Thumbprint bytes of the encryption JWK when the response is encrypted (`dc_api.jwt`), else null. */
  readonly jwkThumbprint?: Uint8Array | null;
}

/** ISO/IEC 18013-7 Annex B (OID4VPHandover with mdocGeneratedNonce, pre-1.0 OpenID4VP). */
export interface Iso180137AnnexBHandoverInput {
  readonly type: 'iso18013-7-annex-b';
  readonly clientId: string;
  readonly responseUri: string;
  readonly nonce: string;
  /** The mdocGeneratedNonce text (carried in the JWE `apu`). */
  readonly mdocGeneratedNonce: string;
}

/** ISO/IEC 18013-7 Annex C (`org-iso-mdoc` over the DC API). */
export interface Iso180137AnnexCHandoverInput {
  readonly type: 'iso18013-7-annex-c';
  readonly origin: string;
  /** The base64url EncryptionInfo exactly as sent in the request; or give `nonce` and `recipientPublicKey`. */
  readonly encryptionInfo?: string;
  readonly nonce?: Uint8Array;
  readonly recipientPublicKey?: Jwk;
}

/** An already encoded SessionTranscript (bare or tag-24 wrapped), e.g. for a proximity or pre-1.0 flow. */
export interface RawSessionTranscriptInput {
  readonly type: 'raw';
  readonly sessionTranscript: Uint8Array;
}

/** Every handover {@link buildSessionTranscript} knows. */
export type HandoverInput =
  | OpenId4VpHandoverInput
  | OpenId4VpDcApiHandoverInput
  | Iso180137AnnexBHandoverInput
  | Iso180137AnnexCHandoverInput
  | RawSessionTranscriptInput;

async function sha256Cbor(ctx: Pick<ComityContext, 'crypto'>, value: unknown): Promise<Uint8Array> {
  return ctx.crypto.digest('sha-256', encodeCbor(value));
}

function str(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new ComityUsageError('ERR_USAGE_HANDOVER', `${name} must be a string`);
  return value;
}

function thumb(value: Uint8Array | null | undefined): Uint8Array | null {
  if (value === undefined || value === null) return null;
  if (!(value instanceof Uint8Array) || value.length !== 32) throw new ComityUsageError('ERR_USAGE_HANDOVER', 'jwkThumbprint must be 32 SHA-256 bytes');
  return value;
}

/**
 * Builds the SessionTranscript CBOR (`[DeviceEngagementBytes, EReaderKeyBytes, Handover]`, the
 * bare array; wrap it with {@link sessionTranscriptBytes} where SessionTranscriptBytes is meant).
 * Take every input from the request the verifier sent, never from the response.
 *
 * @example
 * ```ts
 * const transcript = await buildSessionTranscript({ type: 'openid4vp', clientId: 'x509_san_dns:example.com',
 *   nonce, responseUri: 'https://example.com/response', jwkThumbprint: null }, ctx);
 * ```
 * @throws ComityUsageError `ERR_USAGE_HANDOVER` for missing inputs; ComityError `ERR_MDOC_SESSION_TRANSCRIPT` for raw bytes that are no transcript
 * @see OpenID4VP 1.0 Appendix B.2.6; ISO/IEC 18013-7:2024 Annex B.4.4, Annex C
 */
export async function buildSessionTranscript(handover: HandoverInput, ctx: Pick<ComityContext, 'crypto'>): Promise<Uint8Array> {
  switch (handover?.type) {
    case 'openid4vp': {
      const info = [str(handover.clientId, 'clientId'), str(handover.nonce, 'nonce'), thumb(handover.jwkThumbprint), str(handover.responseUri, 'responseUri')];
      return encodeCbor([null, null, ['OpenID4VPHandover', await sha256Cbor(ctx, info)]]);
    }
    case 'openid4vp-dcapi': {
      const info = [str(handover.origin, 'origin'), str(handover.nonce, 'nonce'), thumb(handover.jwkThumbprint)];
      return encodeCbor([null, null, ['OpenID4VPDCAPIHandover', await sha256Cbor(ctx, info)]]);
    }
    case 'iso18013-7-annex-b': {
      const mdocNonce = str(handover.mdocGeneratedNonce, 'mdocGeneratedNonce');
      const clientIdHash = await sha256Cbor(ctx, [str(handover.clientId, 'clientId'), mdocNonce]);
      const responseUriHash = await sha256Cbor(ctx, [str(handover.responseUri, 'responseUri'), mdocNonce]);
      return encodeCbor([null, null, [clientIdHash, responseUriHash, str(handover.nonce, 'nonce')]]);
    }
    case 'iso18013-7-annex-c': {
      let encryptionInfo = handover.encryptionInfo;
      if (encryptionInfo === undefined) {
        if (!(handover.nonce instanceof Uint8Array) || handover.recipientPublicKey === undefined) {
          throw new ComityUsageError('ERR_USAGE_HANDOVER', 'Annex C needs encryptionInfo, or nonce and recipientPublicKey');
        }
        const info = encodeCbor([
          'dcapi',
          new Map<string, unknown>([
            ['nonce', handover.nonce],
            ['recipientPublicKey', jwkToCoseKey(handover.recipientPublicKey)],
          ]),
        ]);
        encryptionInfo = base64urlEncode(info);
      }
      const hash = await sha256Cbor(ctx, [str(encryptionInfo, 'encryptionInfo'), str(handover.origin, 'origin')]);
      return encodeCbor([null, null, ['dcapi', hash]]);
    }
    case 'raw':
      return normalizeSessionTranscript(handover.sessionTranscript);
    default:
      throw new ComityUsageError('ERR_USAGE_HANDOVER', 'unknown handover type');
  }
}

/**
 * Accepts a SessionTranscript either bare or as SessionTranscriptBytes (tag 24) and returns
 * the bare array bytes, as embedded in DeviceAuthentication.
 *
 * @example
 * ```ts
 * const bare = normalizeSessionTranscript(annexDSessionTranscriptBytes); // starts with 0x83
 * ```
 * @throws ComityError `ERR_MDOC_SESSION_TRANSCRIPT`; ComityUsageError `ERR_USAGE_SESSION_TRANSCRIPT` for non-bytes
 * @see ISO/IEC 18013-5:2021 §9.1.5.1
 */
export function normalizeSessionTranscript(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new ComityUsageError('ERR_USAGE_SESSION_TRANSCRIPT', 'sessionTranscript must be bytes');
  // A verifier reusing its transcript array skips the decode; the content is compared, so a
  // reused buffer holding another transcript is decoded afresh.
  const known = normalized.get(bytes);
  if (known !== undefined && bytesEqual(known.original, bytes)) return known.bare;
  const original = new Uint8Array(bytes);
  const bare = new Uint8Array(normalizeUncached(original));
  normalized.set(bytes, { original, bare });
  return bare;
}

const normalized = new WeakMap<Uint8Array, { original: Uint8Array; bare: Uint8Array }>();

function normalizeUncached(bytes: Uint8Array): Uint8Array {
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (cause) {
    throw new ComityError('ERR_MDOC_SESSION_TRANSCRIPT', 'sessionTranscript is not valid CBOR', { cause });
  }
  let bare = bytes;
  if (value instanceof DataItem) {
    bare = value.content;
    try {
      value = decodeCbor(bare);
    } catch (cause) {
      throw new ComityError('ERR_MDOC_SESSION_TRANSCRIPT', 'SessionTranscriptBytes do not hold valid CBOR', { cause });
    }
  }
  if (!Array.isArray(value) || value.length !== 3) throw new ComityError('ERR_MDOC_SESSION_TRANSCRIPT', 'sessionTranscript is not a 3-element array');
  return bare;
}

/**
 * SessionTranscriptBytes: the transcript wrapped as `#6.24(bstr)` (the deviceMac salt input, and
 * what @auth0/mdl and @animo-id/mdoc take as `encodedSessionTranscript`).
 *
 * @example
 * ```ts
 * await auth0Verifier.verify(response, { encodedSessionTranscript: Buffer.from(sessionTranscriptBytes(transcript)) });
 * ```
 * @throws ComityError `ERR_MDOC_SESSION_TRANSCRIPT`
 * @see ISO/IEC 18013-5:2021 §9.1.5.1
 */
export function sessionTranscriptBytes(sessionTranscript: Uint8Array): Uint8Array {
  return wrapTag24(normalizeSessionTranscript(sessionTranscript));
}

/** @internal DeviceAuthenticationBytes for a document: `#6.24(["DeviceAuthentication", SessionTranscript, DocType, DeviceNameSpacesBytes])`. */
const DEVICE_AUTHENTICATION_PREFIX = Uint8Array.of(0x84, ...encodeCbor('DeviceAuthentication'));

export function deviceAuthenticationBytes(bareTranscript: Uint8Array, docType: string, deviceNameSpacesBytes: DataItem): Uint8Array {
  return wrapTag24(concatBytes([DEVICE_AUTHENTICATION_PREFIX, bareTranscript, encodeText(docType), deviceNameSpacesBytes.raw]));
}

import type { Certificate, ComityContext, Issue, Jwk, SignatureAlgorithm } from '@comity/core';
import { buildSessionTranscript, type HandoverInput, type MdocClaims, type MdocVerificationResult, verifyDeviceResponse } from '@comity/mdoc';
import type { TrustDecision } from '@comity/trust-registry';

/** The mdoc part of what the verifier asked for. */
export interface MdocExpectations {
  /** The SessionTranscript CBOR (bare or tag-24 wrapped), as built for the request the verifier sent. */
  readonly sessionTranscript?: Uint8Array;
  /** Or the handover inputs of that request, from which the transcript is built. */
  readonly handover?: HandoverInput;
  /** The reader's private key, when the wallet may authenticate with deviceMac. */
  readonly readerPrivateKey?: Jwk;
  /** Expected docType. */
  readonly docType?: string;
}

/** One document of a DeviceResponse, with its own trust decision when a registry is configured. */
export interface MdocDocumentResult extends MdocVerificationResult {
  readonly trust?: TrustDecision;
}

/** An mdoc verification merged over every document of the DeviceResponse. */
export interface MdocPresentationResult extends MdocVerificationResult {
  /** One result per document, in order. */
  readonly documents: readonly MdocDocumentResult[];
}

/**
 * Verifies a DeviceResponse; with several documents, claims are merged by namespace and the
 * response is valid only if every document is.
 */
export async function verifyMdocPresentation(
  bytes: Uint8Array,
  config: {
    trustAnchors: readonly Certificate[];
    anchoring?: 'deferred';
    algorithms?: readonly SignatureAlgorithm[];
    documentSignerEkus?: readonly string[];
    clockToleranceSeconds?: number;
    issuingCountryNameSpaces?: readonly string[];
  },
  expect: MdocExpectations,
  ctx: ComityContext,
): Promise<MdocPresentationResult> {
  const fail = (errors: Issue[]): MdocPresentationResult => ({
    valid: false,
    format: 'mso_mdoc',
    claims: {},
    errors,
    warnings: [],
    docType: undefined,
    deviceClaims: {},
    documents: [],
  });
  // The transcript is the verifier's own input: a handover it cannot build is its mistake and
  // rejects (ERR_USAGE_HANDOVER, ERR_MDOC_SESSION_TRANSCRIPT), as a bad sessionTranscript does.
  let transcript: Uint8Array;
  if (expect.sessionTranscript !== undefined) transcript = expect.sessionTranscript;
  else if (expect.handover !== undefined) transcript = await buildSessionTranscript(expect.handover, ctx);
  else
    return fail([
      { code: 'ERR_MDOC_SESSION_TRANSCRIPT_REQUIRED', message: 'device authentication needs the SessionTranscript of the request the verifier sent' },
    ]);
  const documents = await verifyDeviceResponse(bytes, {
    trustAnchors: config.trustAnchors,
    ctx,
    sessionTranscript: transcript,
    ...(expect.readerPrivateKey === undefined ? {} : { readerPrivateKey: expect.readerPrivateKey }),
    ...(expect.docType === undefined ? {} : { docType: expect.docType }),
    ...(config.algorithms === undefined ? {} : { allowedAlgorithms: config.algorithms }),
    ...(config.anchoring === undefined ? {} : { anchoring: config.anchoring }),
    ...(config.documentSignerEkus === undefined ? {} : { documentSignerEkus: config.documentSignerEkus }),
    ...(config.clockToleranceSeconds === undefined ? {} : { clockToleranceSeconds: config.clockToleranceSeconds }),
    ...(config.issuingCountryNameSpaces === undefined ? {} : { issuingCountryNameSpaces: config.issuingCountryNameSpaces }),
  });
  const first = documents[0];
  if (first === undefined) return fail([{ code: 'ERR_MDOC_NO_DOCUMENTS', message: 'the DeviceResponse holds no document' }]);
  if (documents.length === 1) return { ...first, documents };
  const valid = documents.every((d) => d.valid);
  const claims: MdocClaims = {};
  const deviceClaims: MdocClaims = {};
  if (valid) {
    for (const d of documents) {
      for (const [ns, values] of Object.entries(d.claims)) claims[ns] = { ...(claims[ns] ?? {}), ...values };
      for (const [ns, values] of Object.entries(d.deviceClaims)) deviceClaims[ns] = { ...(deviceClaims[ns] ?? {}), ...values };
    }
  }
  const merged = {
    ...first,
    valid,
    claims,
    deviceClaims,
    errors: documents.flatMap((d) => d.errors),
    warnings: documents.flatMap((d) => d.warnings),
    documents,
  };
  // One invalid document makes the response invalid: the others' values are withheld as well.
  return valid ? merged : withholdMdocClaims(merged);
}

/**
 * The same result with every claim withheld: merged, device-signed and per document; and the
 * MSO `status` reference, whose list index is one per credential (a handle that links every
 * refusal of it, as the device key would; an SD-JWT VC's `status` goes with its claims).
 */
export function withholdMdocClaims({ status: _status, ...result }: MdocPresentationResult): MdocPresentationResult {
  const withheld = ({ deviceKey: _dk, status: _st, ...d }: MdocDocumentResult): MdocDocumentResult => ({
    ...d,
    valid: false,
    claims: {},
    deviceClaims: {},
    ...(d.trust === undefined ? {} : { trust: { ...d.trust, mappedClaims: {} } }),
  });
  return { ...result, claims: {}, deviceClaims: {}, documents: result.documents.map(withheld) };
}

/**
 * mdoc benchmark: an mDL with 12 elements, 4 disclosed, deviceSignature, ES256, document signer
 * in x5chain chaining to an IACA. comity's verifyDeviceResponse and @auth0/mdl 3.0.1's Verifier
 * verify the same DeviceResponse in the same run, against the cryptographic limit (node:crypto
 * ES256 verifications per second / 2: the issuer and the device signature; a document-signer
 * certificate seen before may be cached). Each contender runs in its own worker thread (see
 * isolated.ts), set up from the same input.
 */

import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { Verifier } from '@auth0/mdl';
import { createContext, derToPem, localSigner, parseCertificate } from '@comity/core';
import {
  buildSessionTranscript,
  createTestDocumentSigner,
  createTestIaca,
  FullDate,
  issueMdoc,
  presentMdoc,
  sessionTranscriptBytes,
  verifyDeviceResponse,
} from '@comity/mdoc';
import { interleavedIsolated } from './isolated.js';

const MDL = 'org.iso.18013.5.1.mDL';
const NS = 'org.iso.18013.5.1';

const ELEMENTS = {
  family_name: 'Mustermann',
  given_name: 'Erika',
  birth_date: new FullDate('1984-01-26'),
  issue_date: new FullDate('2024-03-01'),
  expiry_date: new FullDate('2034-02-28'),
  issuing_country: 'DE',
  issuing_authority: 'Kraftfahrt-Bundesamt',
  document_number: 'B1234567',
  portrait: new Uint8Array(2048).fill(7),
  driving_privileges: [{ vehicle_category_code: 'B', issue_date: new FullDate('2002-05-01'), expiry_date: new FullDate('2034-02-28') }],
  un_distinguishing_sign: 'D',
  age_over_18: true,
};
const DISCLOSED = [
  [NS, 'family_name'],
  [NS, 'given_name'],
  [NS, 'birth_date'],
  [NS, 'age_over_18'],
];

export async function benchMdocVerify(opts: { seconds: number }): Promise<{ perSec: number; peerPerSec: number; limitPerSec: number }> {
  const ctx = createContext();
  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  const device = await ctx.crypto.generateKeyPair('ES256');
  const now = new Date();
  const issuerSigned = await issueMdoc({
    docType: MDL,
    nameSpaces: { [NS]: ELEMENTS },
    deviceKey: device.publicJwk,
    signer: ds.signer,
    certificateChain: [ds.certificate],
    validity: { signed: new Date(now.getTime() - 60_000), validFrom: new Date(now.getTime() - 60_000), validUntil: new Date(now.getTime() + 86_400_000) },
    ctx,
  });
  const sessionTranscript = await buildSessionTranscript(
    { type: 'openid4vp', clientId: 'x509_san_dns:verifier.example', nonce: 'bench-nonce-1', responseUri: 'https://verifier.example/response' },
    ctx,
  );
  const deviceResponse = await presentMdoc({
    issuerSigned,
    disclose: DISCLOSED,
    deviceSigner: localSigner(device.privateJwk, 'ES256', ctx.crypto),
    sessionTranscript,
    ctx,
  });

  const input: VerifyInput = { deviceResponse, sessionTranscript, iacaDer: iaca.certificate.der };
  // Interleaved slices, each contender in its own worker (own heap): see isolated.ts.
  const contender = (factory: string) => ({ module: HERE, factory, input });
  const rates = await interleavedIsolated([contender('comityVerifier'), contender('peerVerifier'), contender('es256VerifyLimit')], opts.seconds);
  return { perSec: Math.round(rates[0] ?? 0), peerPerSec: Math.round(rates[1] ?? 0), limitPerSec: Math.round((rates[2] ?? 0) / 2) };
}

/** What every contender gets: the same DeviceResponse, transcript and IACA. */
interface VerifyInput {
  readonly deviceResponse: Uint8Array;
  readonly sessionTranscript: Uint8Array;
  readonly iacaDer: Uint8Array;
}

const HERE = new URL(import.meta.url);

/** comity's verifyDeviceResponse, chaining the document signer to the IACA. */
export async function comityVerifier(input: VerifyInput): Promise<() => Promise<void>> {
  const ctx = createContext();
  const options = { trustAnchors: [await parseCertificate(input.iacaDer)], sessionTranscript: input.sessionTranscript, ctx, docType: MDL };
  const check = (await verifyDeviceResponse(input.deviceResponse, options))[0];
  if (check?.valid !== true) throw new Error(`comity did not verify its own response: ${check?.errors.map((e) => e.code).join(', ')}`);
  return async () => {
    const [doc] = await verifyDeviceResponse(input.deviceResponse, options);
    if (doc?.valid !== true) throw new Error('verification failed during the benchmark');
  };
}

/** The peer: @auth0/mdl's Verifier with the IACA as its trusted root. */
export async function peerVerifier(input: VerifyInput): Promise<() => Promise<unknown>> {
  const verifier = new Verifier([derToPem(input.iacaDer)]);
  const encodedSessionTranscript = Buffer.from(sessionTranscriptBytes(input.sessionTranscript));
  return () => verifier.verify(input.deviceResponse, { encodedSessionTranscript });
}

/** The limit: node:crypto ES256 verifications per second with a cached KeyObject. */
export async function es256VerifyLimit(): Promise<() => void> {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = createPublicKey({ key: pair.publicKey.export({ format: 'jwk' }), format: 'jwk' });
  const data = new Uint8Array(300).fill(1);
  const signature = nodeSign('sha256', data, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  return () => {
    if (!nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('limit check failed');
  };
}

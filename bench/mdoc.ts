/**
 * mdoc benchmark: an mDL with 12 elements, 4 disclosed, deviceSignature, ES256, document signer
 * in x5chain chaining to an IACA. comity's verifyDeviceResponse and @auth0/mdl 3.0.1's Verifier
 * verify the same DeviceResponse in the same run, against the cryptographic limit (node:crypto
 * ES256 verifications per second / 2: the issuer and the device signature; a document-signer
 * certificate seen before may be cached).
 */

import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { Verifier } from '@auth0/mdl';
import { createContext, derToPem, localSigner } from '@comity/core';
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
import { interleaved } from './measure.js';

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

  const trustAnchors = [iaca.certificate];
  const options = { trustAnchors, sessionTranscript, ctx, docType: MDL };
  const check = (await verifyDeviceResponse(deviceResponse, options))[0];
  if (check?.valid !== true) throw new Error(`comity did not verify its own response: ${check?.errors.map((e) => e.code).join(', ')}`);
  const comity = async () => {
    const [doc] = await verifyDeviceResponse(deviceResponse, options);
    if (doc?.valid !== true) throw new Error('verification failed during the benchmark');
  };

  const verifier = new Verifier([derToPem(iaca.certificate.der)]);
  const encodedSessionTranscript = Buffer.from(sessionTranscriptBytes(sessionTranscript));
  const peer = () => verifier.verify(deviceResponse, { encodedSessionTranscript });
  await peer();

  // The limit: node:crypto ES256 verifications per second with a cached KeyObject, over two signatures.
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = createPublicKey({ key: pair.publicKey.export({ format: 'jwk' }), format: 'jwk' });
  const data = new Uint8Array(300).fill(1);
  const signature = nodeSign('sha256', data, { key: pair.privateKey, dsaEncoding: 'ieee-p1363' });
  const limit = () => {
    if (!nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature)) throw new Error('limit check failed');
  };

  // The three contenders run in interleaved slices, so a busy machine slows them alike.
  const rates = await interleaved([comity, peer, limit], opts.seconds);
  return { perSec: Math.round(rates[0] ?? 0), peerPerSec: Math.round(rates[1] ?? 0), limitPerSec: Math.round((rates[2] ?? 0) / 2) };
}

/**
 * A credential received in the JWS JSON Serialization (RFC 9901 §8) carries what the compact form
 * cannot: unprotected header parameters (unsigned) and, in the General form, more issuer
 * signatures. The wallet sends neither what it cannot vouch for nor what the citizen is not shown:
 * a signature after the first must verify as the first did, and no unprotected parameter other than
 * the `disclosures` and `kb_jwt` it builds itself leaves the wallet. Real keys, real signatures, a
 * real verifier (`verifySdJwtVc`) reading what was sent.
 */
import { type Certificate, createCertificate, createContext, type Jwk, KeyUsage, localSigner } from '@comity/core';
import {
  addJsonSignature,
  issueSdJwtVc,
  pinnedIssuerKeys,
  type SdJwtJsonFlattened,
  type SdJwtJsonGeneral,
  toJsonSerialization,
  verifySdJwtVc,
  x5cIssuerKey,
} from '@comity/sd-jwt-vc';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWallet } from '../src/index.js';

const ctx = createContext();
const day = 86_400_000;
const verifier = 'x509_san_dns:rp.example';
type KeyPair = { privateJwk: Jwk; publicJwk: Jwk };

let issuerKey: KeyPair;
let rotatedKey: KeyPair;
let strangerKey: KeyPair;
let walletKey: KeyPair;

beforeAll(async () => {
  issuerKey = await ctx.crypto.generateKeyPair('ES256');
  rotatedKey = await ctx.crypto.generateKeyPair('ES256');
  strangerKey = await ctx.crypto.generateKeyPair('ES256');
  walletKey = await ctx.crypto.generateKeyPair('ES256');
});

const signer = (k: KeyPair) => localSigner(k.privateJwk, 'ES256', ctx.crypto);
const b64 = (c: Certificate) => Buffer.from(c.der).toString('base64');

function issue(key: KeyPair, header: Record<string, unknown> = {}): Promise<string> {
  return issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:1',
      issuer: 'https://pid.example.de',
      holderKey: walletKey.publicJwk,
      claims: { given_name: 'Erika', age_over_18: true },
      disclosable: [['given_name'], ['age_over_18']],
      signer: signer(key),
      header,
    },
    ctx,
  );
}

/** Presents `id` disclosing `age_over_18`, and reads the presentation back as JSON. */
async function presentAge(wallet: ReturnType<typeof createWallet>, id: string): Promise<{ text: string; json: Record<string, unknown> }> {
  const text = await wallet.present(id, { verifier, nonce: 'n-1', claims: [['age_over_18']] }, [['age_over_18']]);
  return { text, json: JSON.parse(text) as Record<string, unknown> };
}

function verify(presentation: string, resolve: Parameters<typeof verifySdJwtVc>[1]['issuerKey']) {
  return verifySdJwtVc(JSON.parse(presentation), { issuerKey: resolve, keyBinding: { audience: verifier, nonce: 'n-1' } }, ctx);
}

async function certificate(subject: string, key: KeyPair, issuer?: { cert: Certificate; key: KeyPair }): Promise<Certificate> {
  const now = Date.now();
  return createCertificate({
    subject,
    publicJwk: key.publicJwk,
    signingKey: (issuer?.key ?? key).privateJwk,
    ...(issuer === undefined ? { ca: true, keyUsage: KeyUsage.keyCertSign } : { issuer: issuer.cert, keyUsage: KeyUsage.digitalSignature }),
    notBefore: new Date(now - day),
    notAfter: new Date(now + 30 * day),
  });
}

describe('holder: JWS JSON Serialization received (RFC 9901 §8)', () => {
  it('rfc9901-8.1-unprotected-header-not-forwarded: no unprotected parameter but disclosures and kb_jwt is sent, and the credential names what was kept back', async () => {
    const compact = await issue(issuerKey);
    // A hostile issuer puts personal data in the unsigned header, where no disclosure covers it.
    const flattened = toJsonSerialization(compact, { form: 'flattened', header: { kid: 'k1', holder_name: 'Erika Mustermann 1964-08-12' } });
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), issuerKey: pinnedIssuerKeys([issuerKey.publicJwk]), ctx });
    const stored = await wallet.receive(JSON.stringify(flattened));
    expect(stored.issuerSignature).toBe('verified');
    expect(stored.notForwarded).toEqual({ headerParameters: ['kid', 'holder_name'], signatures: [] });

    const { text, json } = await presentAge(wallet, stored.id);
    expect(Object.keys((json as unknown as SdJwtJsonFlattened).header).sort()).toEqual(['disclosures', 'kb_jwt']);
    expect(text).not.toContain('Mustermann');
    // Nothing the verifier needs was lost: it finds the key without the unsigned kid.
    const read = await verify(text, pinnedIssuerKeys([issuerKey.publicJwk]));
    expect(read.errors).toEqual([]);
    expect(read.claims).toMatchObject({ age_over_18: true });
    expect(read.claims.given_name).toBeUndefined();
    // The log still says exactly what was sent, as the consent screen did.
    const request = { verifier, claims: [['age_over_18']] };
    expect(wallet.log()[0]?.alwaysSent).toEqual(wallet.describeRequest(stored.id, request).alwaysSent);
  });

  it('rfc9901-8.3-unprotected-header-not-forwarded: the headers of later signatures are not sent either, even when the wallet checks nothing', async () => {
    const general = await addJsonSignature(toJsonSerialization(await issue(issuerKey), { form: 'general', header: { kid: 'k1' } }) as SdJwtJsonGeneral, {
      signer: signer(rotatedKey),
      protectedHeader: { typ: 'dc+sd-jwt' },
      header: { kid: 'k2', tracking_id: 'citizen-4711' },
    });
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), ctx });
    const stored = await wallet.receive(JSON.stringify(general));
    expect(stored.issuerSignature).toBe('unchecked');
    // Unchecked: no signature is judged (the credential says so), every one is forwarded.
    expect(stored.notForwarded).toEqual({ headerParameters: ['kid', 'tracking_id'], signatures: [] });
    const { text, json } = await presentAge(wallet, stored.id);
    const sent = (json as unknown as SdJwtJsonGeneral).signatures;
    expect(sent).toHaveLength(2);
    expect(Object.keys(sent[0]?.header ?? {}).sort()).toEqual(['disclosures', 'kb_jwt']);
    expect(sent[1]?.header).toBeUndefined();
    expect(text).not.toContain('citizen-4711');
    for (const key of [issuerKey, rotatedKey]) expect((await verify(text, pinnedIssuerKeys([key.publicJwk]))).errors).toEqual([]);
  });

  it('a credential with nothing to keep back has no notForwarded', async () => {
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), issuerKey: pinnedIssuerKeys([issuerKey.publicJwk]), ctx });
    const stored = await wallet.receive(JSON.stringify(toJsonSerialization(await issue(issuerKey), { form: 'general' })));
    expect(stored.notForwarded).toBeUndefined();
    expect((await wallet.receive(await issue(issuerKey))).notForwarded).toBeUndefined();
  });

  it('rfc9901-8.3-other-signatures-verified: with a resolver, a later signature is forwarded only when it verifies under it; the others are dropped and named', async () => {
    const general = await addJsonSignature(toJsonSerialization(await issue(issuerKey), { form: 'general' }) as SdJwtJsonGeneral, {
      signer: signer(strangerKey),
      protectedHeader: { typ: 'dc+sd-jwt', note: 'added in transit' },
    });
    const rotated = await addJsonSignature(general, { signer: signer(rotatedKey), protectedHeader: { typ: 'dc+sd-jwt' } });
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), issuerKey: pinnedIssuerKeys([issuerKey.publicJwk, rotatedKey.publicJwk]), ctx });
    const stored = await wallet.receive(JSON.stringify(rotated));
    expect(stored.issuerSignature).toBe('verified');
    expect(stored.notForwarded).toEqual({ headerParameters: [], signatures: [1] });

    const { text, json } = await presentAge(wallet, stored.id);
    const sent = (json as unknown as SdJwtJsonGeneral).signatures;
    expect(sent.map((s) => s.protected)).toEqual([rotated.signatures[0]?.protected, rotated.signatures[2]?.protected]);
    expect(sent[1]?.signature).toBe(rotated.signatures[2]?.signature);
    // A verifier trusting only the rotated key still reads the credential; one trusting the stranger finds no signature of its.
    expect((await verify(text, pinnedIssuerKeys([rotatedKey.publicJwk]))).errors).toEqual([]);
    expect((await verify(text, pinnedIssuerKeys([strangerKey.publicJwk]))).errors.map((e) => e.code)).toEqual(['ERR_SDJWT_SIGNATURE_INVALID']);
  });

  it('rfc9901-8.3-other-signatures-verified: a later signature with a typ no verifier accepts is dropped too, and the credential is still received', async () => {
    const base = toJsonSerialization(await issue(issuerKey), { form: 'general' }) as SdJwtJsonGeneral;
    const wrongTyp = await addJsonSignature(base, { signer: signer(issuerKey), protectedHeader: { typ: 'JWT' } });
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), issuerKey: pinnedIssuerKeys([issuerKey.publicJwk]), ctx });
    const stored = await wallet.receive(JSON.stringify(wrongTyp));
    expect(stored.notForwarded).toEqual({ headerParameters: [], signatures: [1] });
    const { json } = await presentAge(wallet, stored.id);
    expect((json as unknown as SdJwtJsonGeneral).signatures).toHaveLength(1);
  });

  it('rfc9901-8.3-other-signatures-verified: after an x5c first signature, a later one must chain to a certificate of the first chain, not to a chain of its own', async () => {
    const rootKey = await ctx.crypto.generateKeyPair('ES256');
    const root = await certificate('C=DE, O=Test PID CA, CN=Root', rootKey);
    const leaf = await certificate('C=DE, O=Test PID Provider, CN=pid-1', issuerKey, { cert: root, key: rootKey });
    const sibling = await certificate('C=DE, O=Test PID Provider, CN=pid-2', rotatedKey, { cert: root, key: rootKey });
    // A chain anyone can make: its own self-signed root.
    const strangerRootKey = await ctx.crypto.generateKeyPair('ES256');
    const strangerRoot = await certificate('C=DE, O=Test PID CA, CN=Root', strangerRootKey);
    const strangerLeaf = await certificate('C=DE, O=Test PID Provider, CN=pid-1', strangerKey, { cert: strangerRoot, key: strangerRootKey });

    const base = toJsonSerialization(await issue(issuerKey, { x5c: [b64(leaf), b64(root)] }), { form: 'general' }) as SdJwtJsonGeneral;
    const withStranger = await addJsonSignature(base, {
      signer: signer(strangerKey),
      protectedHeader: { typ: 'dc+sd-jwt', x5c: [b64(strangerLeaf), b64(strangerRoot)] },
    });
    const all = await addJsonSignature(withStranger, { signer: signer(rotatedKey), protectedHeader: { typ: 'dc+sd-jwt', x5c: [b64(sibling), b64(root)] } });
    const wallet = createWallet({ keyBindingSigner: signer(walletKey), ctx });
    const stored = await wallet.receive(JSON.stringify(all));
    expect(stored.issuerSignature).toBe('verified');
    expect(stored.notForwarded).toEqual({ headerParameters: [], signatures: [1] });

    const { text, json } = await presentAge(wallet, stored.id);
    expect((json as unknown as SdJwtJsonGeneral).signatures.map((s) => s.signature)).toEqual([all.signatures[0]?.signature, all.signatures[2]?.signature]);
    expect((await verify(text, x5cIssuerKey({ trustAnchors: [root] }))).errors).toEqual([]);
    expect((await verify(text, x5cIssuerKey({ trustAnchors: [strangerRoot] }))).valid).toBe(false);
  });
});

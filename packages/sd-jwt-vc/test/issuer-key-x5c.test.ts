import {
  type Certificate,
  createCertificate,
  createContext,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  type Jwk,
  KeyUsage,
  localSigner,
  signCompactJws,
  verifyJwsSignature,
} from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseX5c, x5cCertificatesOf, x5cIssuerKey } from '../src/issuer-key/index.js';
import { b64, rejectionCode, subjectAltNames } from './fixtures/issuer-key/harness.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const ctx = createContext({ now: () => NOW });
const notBefore = new Date('2026-01-01T00:00:00Z');
const notAfter = new Date('2027-01-01T00:00:00Z');
const SAN = '2.5.29.17';

interface Pki {
  root: Certificate;
  intermediate: Certificate;
  leaf: Certificate;
  leafKey: Jwk;
  otherRoot: Certificate;
  noSanLeaf: Certificate;
  expiredLeaf: Certificate;
  encipherOnlyLeaf: Certificate;
  /** Leaves whose subjectAltName is not valid GeneralNames of printable names. */
  badSanLeaves: Certificate[];
}

let pki: Pki;

beforeAll(async () => {
  const c = ctx.crypto;
  const [rootKey, intKey, leafKey, otherKey] = await Promise.all([
    c.generateKeyPair('ES256'),
    c.generateKeyPair('ES256'),
    c.generateKeyPair('ES256'),
    c.generateKeyPair('ES256'),
  ]);
  const caUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
  const root = await createCertificate({
    subject: 'C=DE, O=Test, CN=Test Root',
    publicJwk: rootKey.publicJwk,
    signingKey: rootKey.privateJwk,
    notBefore,
    notAfter,
    ca: true,
    keyUsage: caUsage,
  });
  const otherRoot = await createCertificate({
    subject: 'C=DE, O=Test, CN=Test Root',
    publicJwk: otherKey.publicJwk,
    signingKey: otherKey.privateJwk,
    notBefore,
    notAfter,
    ca: true,
    keyUsage: caUsage,
  });
  const intermediate = await createCertificate({
    subject: 'C=DE, O=Test, CN=Test Issuing CA',
    publicJwk: intKey.publicJwk,
    issuer: root,
    signingKey: rootKey.privateJwk,
    notBefore,
    notAfter,
    ca: true,
    pathLength: 0,
    keyUsage: caUsage,
  });
  const leafTemplate = {
    publicJwk: leafKey.publicJwk,
    issuer: intermediate,
    signingKey: intKey.privateJwk,
    notBefore,
    notAfter,
    keyUsage: KeyUsage.digitalSignature,
  };
  const san = { oid: SAN, critical: false, value: subjectAltNames({ dns: ['issuer.example'], uri: ['https://issuer.example/pid', 'urn:example:pid-issuer'] }) };
  const leaf = await createCertificate({ ...leafTemplate, subject: 'C=FR, O=Issuer, CN=PID Issuer', extensions: [san] });
  const noSanLeaf = await createCertificate({ ...leafTemplate, subject: 'C=FR, O=Issuer, CN=No SAN' });
  const expiredLeaf = await createCertificate({ ...leafTemplate, subject: 'C=FR, CN=Expired', notAfter: new Date('2026-03-01T00:00:00Z'), extensions: [san] });
  const encipherOnlyLeaf = await createCertificate({ ...leafTemplate, subject: 'C=FR, CN=Wrong usage', keyUsage: KeyUsage.keyEncipherment, extensions: [san] });
  const badSans = [
    Uint8Array.of(0x30, 0x05, 0x82, 0x09, 0x61, 0x2e, 0x62), // name longer than its SEQUENCE
    Uint8Array.of(0x30, 0x05, 0x82, 0x03, 0x61, 0x2e, 0x62, 0x00), // a byte after GeneralNames
    Uint8Array.of(0x30, 0x05, 0x82, 0x03, 0x61, 0xc3, 0xa9), // dNSName outside IA5 printable
    Uint8Array.of(0x04, 0x00), // not a SEQUENCE
  ];
  const badSanLeaves = await Promise.all(
    badSans.map((value, i) => createCertificate({ ...leafTemplate, subject: `C=FR, CN=Bad SAN ${i}`, extensions: [{ oid: SAN, critical: false, value }] })),
  );
  pki = { root, intermediate, leaf, leafKey: leafKey.privateJwk, otherRoot, noSanLeaf, expiredLeaf, encipherOnlyLeaf, badSanLeaves };
});

const header = (...certs: Certificate[]) => ({ alg: 'ES256', typ: 'dc+sd-jwt', x5c: certs.map((c) => b64(c.der)) });

describe('x5cIssuerKey (draft-ietf-oauth-sd-jwt-vc §2.5 inline X.509)', () => {
  it('sd-jwt-vc-2.5-x5c-anchored: returns the leaf key, issuer info and the chain; the key verifies a real signature', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    const token = await signCompactJws(
      header(pki.leaf, pki.intermediate),
      { iss: 'https://issuer.example', vct: 'urn:eudi:pid:1' },
      localSigner(pki.leafKey, 'ES256', ctx.crypto),
    );
    const jws = decodeCompactJws(token);
    const [candidate, ...rest] = await resolve({ header: jws.header, payload: jws.payload }, ctx);
    expect(rest).toHaveLength(0);
    expect(candidate?.issuer).toMatchObject({
      id: 'https://issuer.example',
      keyMethod: 'x5c',
      country: 'FR',
      anchor: { sha256: pki.root.sha256, subject: pki.root.subject },
      certificateChain: [pki.leaf.sha256, pki.intermediate.sha256, pki.root.sha256],
    });
    await expect(verifyJwsSignature(jws, candidate?.jwk as Jwk, { algorithms: DEFAULT_SIGNATURE_ALGORITHMS, crypto: ctx.crypto })).resolves.toBe('ES256');
    expect(x5cCertificatesOf(candidate!)?.map((c) => c.sha256)).toEqual([pki.leaf.sha256, pki.intermediate.sha256, pki.root.sha256]);
    expect(x5cCertificatesOf(candidate!.issuer)?.[0]).toBe(pki.leaf);
  });

  it('accepts iss equal to a URI SAN, and uses the leaf subject as issuer id when iss is absent', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    const byUri = await resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss: 'urn:example:pid-issuer' } }, ctx);
    expect(byUri[0]?.issuer.id).toBe('urn:example:pid-issuer');
    const byPath = await resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss: 'https://issuer.example/tenant/7' } }, ctx);
    expect(byPath[0]?.issuer.id).toBe('https://issuer.example/tenant/7'); // dNSName SAN = host
    const noIss = await resolve({ header: header(pki.noSanLeaf, pki.intermediate), payload: {} }, ctx);
    expect(noIss[0]?.issuer.id).toBe(pki.noSanLeaf.subject);
  });

  it('sd-jwt-vc-2.5-x5c-iss-mismatch: rejects an iss the leaf certificate does not name', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    for (const iss of ['https://attacker.example', 'https://sub.issuer.example', 'urn:example:other', 'http://issuer.example', 'issuer.example']) {
      expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss } }, ctx))).toBe('ERR_SDJWT_X5C_ISS_MISMATCH');
    }
    expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss: 42 } }, ctx))).toBe('ERR_SDJWT_X5C_ISS_MISMATCH');
    // Strict 'san': a leaf without SAN cannot name any iss.
    const strict = x5cIssuerKey({ trustAnchors: [pki.root], issBinding: 'san' });
    expect(await rejectionCode(strict({ header: header(pki.noSanLeaf, pki.intermediate), payload: { iss: 'https://issuer.example' } }, ctx))).toBe(
      'ERR_SDJWT_X5C_ISS_MISMATCH',
    );
  });

  it('rfc5280-4.2.1.6-san-malformed: a subjectAltName that is not GeneralNames of printable names is ERR_SDJWT_X5C_INVALID', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    for (const leaf of pki.badSanLeaves) {
      expect(await rejectionCode(resolve({ header: header(leaf, pki.intermediate), payload: { iss: 'https://a.b' } }, ctx))).toBe('ERR_SDJWT_X5C_INVALID');
    }
  });

  it("default 'san-if-present': a leaf without SAN (as the EUDI reference PID certificates) leaves iss unverified and reports the leaf subject", async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    const [candidate] = await resolve({ header: header(pki.noSanLeaf, pki.intermediate), payload: { iss: 'https://issuer.example' } }, ctx);
    expect(candidate?.issuer.id).toBe(pki.noSanLeaf.subject);
  });

  it("issBinding 'unverified': accepts an iss the leaf does not name and reports the leaf subject as issuer id", async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root], issBinding: 'unverified' });
    const [candidate] = await resolve({ header: header(pki.noSanLeaf, pki.intermediate), payload: { iss: 'https://backend.issuer.example' } }, ctx);
    expect(candidate?.issuer.id).toBe(pki.noSanLeaf.subject);
    expect(await rejectionCode(() => x5cIssuerKey({ trustAnchors: [pki.root], issBinding: 'none' as never }))).toBe('ERR_USAGE_ISS_BINDING');
  });

  it('rfc5280-6-unanchored-chain: rejects a chain that reaches no configured anchor', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.otherRoot] });
    expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.intermediate), payload: {} }, ctx))).toBe('ERR_X509_CHAIN_UNANCHORED');
  });

  it('rfc5280-6-expired-certificate: rejects an expired leaf at ctx.now()', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    expect(await rejectionCode(resolve({ header: header(pki.expiredLeaf, pki.intermediate), payload: {} }, ctx))).toBe('ERR_X509_EXPIRED');
    const later = createContext({ now: () => new Date('2027-02-01T00:00:00Z') });
    expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.intermediate), payload: {} }, later))).toBe('ERR_X509_EXPIRED');
  });

  it('rfc5280-4.2.1.3-leaf-key-usage: rejects a leaf whose keyUsage excludes digitalSignature', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    expect(await rejectionCode(resolve({ header: header(pki.encipherOnlyLeaf, pki.intermediate), payload: {} }, ctx))).toBe('ERR_X509_KEY_USAGE');
  });

  it('rfc7515-4.1.6-x5c-strict: rejects malformed x5c values', async () => {
    const resolve = x5cIssuerKey({ trustAnchors: [pki.root] });
    const good = b64(pki.leaf.der);
    const bad: unknown[] = [
      [],
      good,
      [42],
      [`${good.slice(0, -8)}-_-_${good.slice(-4)}`], // base64url characters are not the x5c alphabet
      [`${good.slice(0, 40)}\n${good.slice(40)}`],
      [good.endsWith('=') ? good.replace(/=+$/, '') : `${good}==`], // wrong padding, whatever the DER length
      ['AAAA'],
      Array.from({ length: 11 }, () => good),
    ];
    for (const x5c of bad) {
      expect(await rejectionCode(resolve({ header: { alg: 'ES256', x5c } as never, payload: {} }, ctx))).toBe('ERR_SDJWT_X5C_INVALID');
    }
    expect(await rejectionCode(resolve({ header: { alg: 'ES256' }, payload: {} }, ctx))).toBe('ERR_SDJWT_ISSUER_KEY_UNRESOLVED');
    expect((await parseX5c([good]))[0]?.sha256).toBe(pki.leaf.sha256);
  });

  it('deferred anchoring: checks links and validity, leaves the anchor open and exposes the parsed chain', async () => {
    const resolve = x5cIssuerKey({ anchoring: 'deferred' });
    const [candidate] = await resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss: 'https://issuer.example' } }, ctx);
    expect(candidate?.issuer.anchor).toBeUndefined();
    expect(candidate?.issuer.certificateChain).toEqual([pki.leaf.sha256, pki.intermediate.sha256]);
    expect(x5cCertificatesOf(candidate!)).toEqual([pki.leaf, pki.intermediate]);
    // Still rejected: a broken link, an expired certificate, a mismatched iss.
    expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.otherRoot), payload: {} }, ctx))).toBe('ERR_X509_CHAIN_UNANCHORED');
    expect(await rejectionCode(resolve({ header: header(pki.expiredLeaf, pki.intermediate), payload: {} }, ctx))).toBe('ERR_X509_EXPIRED');
    expect(await rejectionCode(resolve({ header: header(pki.leaf, pki.intermediate), payload: { iss: 'https://other.example' } }, ctx))).toBe(
      'ERR_SDJWT_X5C_ISS_MISMATCH',
    );
  });

  it('refuses a configuration without anchors as a usage error', async () => {
    expect(await rejectionCode(() => x5cIssuerKey({ trustAnchors: [] }))).toBe('ERR_USAGE_TRUST_ANCHORS');
  });
});

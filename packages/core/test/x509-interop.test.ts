// X.509 interoperability: certificates real CAs issue that must validate (ECDSA with a hash
// other than the curve's JOSE pairing, high-S signatures), and validity times that must be
// refused at parse. Run against both crypto providers: the certificate code uses the
// platform default, so each provider is swapped in as `#platform-crypto`.
import { createPrivateKey, sign as nodeSign } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { derToRawEcdsa, rawToDerEcdsa } from '../src/internal/der.js';

type Core = typeof import('../src/index.js');
type Jwk = import('../src/index.js').Jwk;
type Certificate = import('../src/index.js').Certificate;
type Curve = 'P-256' | 'P-384' | 'P-521';
type Hash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const day = 86_400_000;
const t0 = new Date('2026-01-01T00:00:00Z');
const now = new Date(+t0 + 10 * day);

const ECDSA_OIDS: Record<Hash, string> = {
  sha1: '1.2.840.10045.4.1',
  sha256: '1.2.840.10045.4.3.2',
  sha384: '1.2.840.10045.4.3.3',
  sha512: '1.2.840.10045.4.3.4',
};
const JOSE: Record<Curve, 'ES256' | 'ES384' | 'ES512'> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const ORDERS: Record<Curve, bigint> = {
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-384': 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  'P-521': 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};
const SIZES: Record<Curve, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

async function loadCore(provider: 'node:crypto' | 'webcrypto'): Promise<Core> {
  vi.resetModules();
  if (provider === 'webcrypto')
    vi.doMock('#platform-crypto', async () => ({
      platformCrypto: (await vi.importActual<typeof import('../src/crypto/webcrypto.js')>('../src/crypto/webcrypto.js')).webCrypto,
    }));
  else vi.doUnmock('#platform-crypto');
  const core = await import('../src/index.js');
  expect(core.defaultCrypto.name).toBe(provider);
  return core;
}

/** The code of the ComityError or ComityUsageError the promise rejects with, or `OK`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_')) return code;
    throw e;
  }
  return 'OK';
}

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x100) return [0x81, n];
  return [0x82, n >> 8, n & 0xff];
}
function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = contents.flatMap((c) => [...c]);
  return new Uint8Array([tag, ...lengthBytes(body.length), ...body]);
}
/** The TLVs inside a SEQUENCE, as byte slices. */
function children(der: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const header = (at: number) => {
    const first = der[at + 1] as number;
    if (first < 0x80) return { len: first, hdr: 2 };
    let len = 0;
    for (let i = 0; i < (first & 0x7f); i++) len = (len << 8) | (der[at + 2 + i] as number);
    return { len, hdr: 2 + (first & 0x7f) };
  };
  let at = header(0).hdr;
  while (at < der.length) {
    const { len, hdr } = header(at);
    out.push(der.subarray(at, at + hdr + len));
    at += hdr + len;
  }
  return out;
}

const algorithmId = (oid: string) => new Uint8Array(AsnConvert.serialize(new asn.AlgorithmIdentifier({ algorithm: oid })));

/** The TBSCertificate of `cert` with `edit` applied and `oid` as its signature algorithm. */
function tbsOf(cert: Certificate, oid: string, edit: (tbs: asn.TBSCertificate) => void = () => {}): Uint8Array {
  const tbs = AsnConvert.parse(cert.der, asn.Certificate).tbsCertificate;
  tbs.signature = new asn.AlgorithmIdentifier({ algorithm: oid });
  edit(tbs);
  return new Uint8Array(AsnConvert.serialize(tbs));
}

/** A certificate DER of `tbs` (kept byte for byte), labelled `oid`, with a DER signature. */
function assemble(tbs: Uint8Array, oid: string, signature: Uint8Array): Uint8Array {
  return tlv(0x30, tbs, algorithmId(oid), tlv(0x03, new Uint8Array([0]), signature));
}
function signRaw(tbs: Uint8Array, key: Jwk, hash: Hash): Uint8Array {
  const privateKey = createPrivateKey({ key: key as import('node:crypto').JsonWebKey, format: 'jwk' });
  return new Uint8Array(nodeSign(hash, tbs, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
}
function signed(tbs: Uint8Array, key: Jwk, hash: Hash, oid = ECDSA_OIDS[hash]): Uint8Array {
  return assemble(tbs, oid, rawToDerEcdsa(signRaw(tbs, key, hash)));
}

/** `r || s` with s replaced by n − s: the other valid signature of the same message (s ≠ 0, so n − s ≠ 0). */
function flipS(raw: Uint8Array, curve: Curve): Uint8Array {
  const size = SIZES[curve];
  const s = BigInt(`0x${Buffer.from(raw.subarray(size)).toString('hex')}`);
  const flipped = Buffer.from((ORDERS[curve] - s).toString(16).padStart(2 * size, '0'), 'hex');
  return new Uint8Array([...raw.subarray(0, size), ...flipped]);
}

/** The same certificate with its ECDSA signature's s flipped: signed bytes unchanged, DER (and thumbprint) new. */
function twinOf(cert: Certificate, issuerCurve: Curve): Uint8Array {
  const parsed = AsnConvert.parse(cert.der, asn.Certificate);
  const raw = derToRawEcdsa(new Uint8Array(parsed.signatureValue), SIZES[issuerCurve]);
  return assemble(new Uint8Array(parsed.tbsCertificateRaw as ArrayBuffer), parsed.signatureAlgorithm.algorithm, rawToDerEcdsa(flipS(raw, issuerCurve)));
}

for (const provider of ['node:crypto', 'webcrypto'] as const) {
  describe(`X.509 interop (${provider})`, () => {
    let core: Core;
    beforeAll(async () => {
      core = await loadCore(provider);
    });

    type KeyPair = { publicJwk: Jwk; privateJwk: Jwk };
    /** A ten-year CA certificate for `keys`, self-signed or issued by `by`. */
    function caCertificate(subject: string, keys: KeyPair, by?: { certificate: Certificate; keys: KeyPair }) {
      return core.createCertificate({
        subject,
        publicJwk: keys.publicJwk,
        ...(by === undefined ? {} : { issuer: by.certificate }),
        signingKey: (by?.keys ?? keys).privateJwk,
        notBefore: t0,
        notAfter: new Date(+t0 + 3650 * day),
        ca: true,
        keyUsage: core.KeyUsage.keyCertSign,
      });
    }

    /** Root (P-256) → CA on `curve` → a P-256 leaf template the CA signs. */
    async function pki(curve: Curve) {
      const rootKeys = await core.defaultCrypto.generateKeyPair('ES256');
      const caKeys = await core.defaultCrypto.generateKeyPair(JOSE[curve]);
      const leafKeys = await core.defaultCrypto.generateKeyPair('ES256');
      const root = await caCertificate('C=FR, CN=Interop Root', rootKeys);
      const ca = await caCertificate(`C=DE, CN=Interop CA ${curve}`, caKeys, { certificate: root, keys: rootKeys });
      // Signed with the CA's own pairing here; the tests re-sign its TBS with the hash under test.
      const leaf = await core.createCertificate({
        subject: 'C=DE, CN=Document Signer',
        publicJwk: leafKeys.publicJwk,
        issuer: ca,
        signingKey: caKeys.privateJwk,
        notBefore: t0,
        notAfter: new Date(+t0 + 365 * day),
        keyUsage: core.KeyUsage.digitalSignature,
      });
      return { root, ca, caKey: caKeys.privateJwk, leaf };
    }

    it('rfc5758-3.2-ecdsa-hash-independent-of-curve: every P-256/384/521 issuer key verifies SHA-256/384/512 certificate signatures', async () => {
      for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
        const { root, ca, caKey, leaf } = await pki(curve);
        for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
          const der = signed(tbsOf(leaf, ECDSA_OIDS[hash]), caKey, hash);
          const cert = await core.parseCertificate(der);
          const label = `${curve} CA, ${hash}`;
          // Through an intermediate, and directly under the CA as anchor (an IACA signing a document signer).
          expect(await outcome(core.validateCertificateChain([cert, ca], { now, anchors: [root] })), label).toBe('OK');
          expect(await outcome(core.validateCertificateChain([cert], { now, anchors: [ca] })), label).toBe('OK');
        }
      }
    });

    it('rfc5758-3.2-ecdsa-hash-as-named: a tampered certificate or one signed with another hash than it names does not verify', async () => {
      for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
        const { root, ca, caKey, leaf } = await pki(curve);
        for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
          const oid = ECDSA_OIDS[hash];
          const tbs = tbsOf(leaf, oid);
          const signature = rawToDerEcdsa(signRaw(tbs, caKey, hash));
          // The control: untouched, it validates (fails on code that refuses the pairing).
          const good = await core.parseCertificate(assemble(tbs, oid, signature));
          expect(await outcome(core.validateCertificateChain([good, ca], { now, anchors: [root] }))).toBe('OK');
          const tampered = tbsOf(leaf, oid, (t) => {
            t.serialNumber = new Uint8Array([0x01, 0x02, 0x03]).buffer;
          });
          const bad = await core.parseCertificate(assemble(tampered, oid, signature));
          expect(await outcome(core.validateCertificateChain([bad, ca], { now, anchors: [root] })), `${curve} ${hash} tampered`).toBe(
            'ERR_X509_SIGNATURE_INVALID',
          );
          for (const other of ['sha256', 'sha384', 'sha512'] as const) {
            if (other === hash) continue;
            const mislabelled = await core.parseCertificate(signed(tbs, caKey, other, oid));
            expect(await outcome(core.validateCertificateChain([mislabelled, ca], { now, anchors: [root] })), `${curve} ${other} as ${hash}`).toBe(
              'ERR_X509_SIGNATURE_INVALID',
            );
          }
        }
      }
    });

    // Defined for one provider only (not skipped for the other): the WebCrypto provider needs WebCrypto itself.
    if (provider === 'node:crypto')
      it('x509-mixed-hash-no-webcrypto: without WebCrypto a mixed pairing says so and is not remembered as a bad signature', async () => {
        const { ca, caKey, leaf } = await pki('P-384');
        const cert = await core.parseCertificate(signed(tbsOf(leaf, ECDSA_OIDS.sha256), caKey, 'sha256'));
        vi.stubGlobal('crypto', undefined);
        try {
          expect(await outcome(core.validateCertificateChain([cert], { now, anchors: [ca] }))).toBe('ERR_CRYPTO_UNAVAILABLE');
        } finally {
          vi.unstubAllGlobals();
        }
        expect(await outcome(core.validateCertificateChain([cert], { now, anchors: [ca] }))).toBe('OK');
      });

    // Strictness kept (passes on the code before the change too): SHA-1 and unlisted
    // algorithms verify nothing, and an ECDSA label does not fit an Ed25519 issuer key.
    it('rfc5280-4.1.1.2-refused-signature-algorithms: ecdsa-with-SHA1, ecdsa-with-SHA224 and ECDSA under an Ed25519 key are refused', async () => {
      const { root, ca, caKey, leaf } = await pki('P-384');
      for (const [hash, oid] of [
        ['sha1', ECDSA_OIDS.sha1],
        ['sha256', '1.2.840.10045.4.3.1'], // ecdsa-with-SHA224, signed with anything
      ] as const) {
        const cert = await core.parseCertificate(signed(tbsOf(leaf, oid), caKey, hash, oid));
        expect(await outcome(core.validateCertificateChain([cert, ca], { now, anchors: [root] })), oid).toBe('ERR_X509_SIGNATURE_INVALID');
      }
      const edKeys = await core.defaultCrypto.generateKeyPair('EdDSA');
      const edCa = await caCertificate('C=DE, CN=Interop CA Ed25519', edKeys);
      const underEd = await core.parseCertificate(signed(tbsOf(leaf, ECDSA_OIDS.sha256), caKey, 'sha256'));
      expect(await core.signedBy(underEd, edCa)).toBe(false);
    });

    it('guide-3-high-s-accepted: a high-S twin verifies and gets its own thumbprint; a twin of an anchor is verified, never taken for the pin', async () => {
      for (const [curve, hash] of [
        ['P-256', 'sha256'],
        ['P-384', 'sha256'],
        ['P-521', 'sha512'],
      ] as const) {
        const { root, ca, caKey, leaf } = await pki(curve);
        const oid = ECDSA_OIDS[hash];
        const low = await core.parseCertificate(signed(tbsOf(leaf, oid), caKey, hash));
        const high = await core.parseCertificate(twinOf(low, curve));
        expect(high.sha256).not.toBe(low.sha256);
        for (const cert of [low, high]) expect(await outcome(core.validateCertificateChain([cert, ca], { now, anchors: [root] })), curve).toBe('OK');
        // The root's twin is not the pinned root: it is checked as a certificate the root signed.
        const rootTwin = await core.parseCertificate(twinOf(root, 'P-256'));
        const viaRootTwin = await core.validateCertificateChain([rootTwin], { now, anchors: [root] });
        expect(viaRootTwin.path.map((c) => c.sha256)).toEqual([rootTwin.sha256, root.sha256]);
        // The CA's twin is as good as the CA under the root, and is nothing where only the CA is pinned.
        const caTwin = await core.parseCertificate(twinOf(ca, 'P-256'));
        const viaCaTwin = await core.validateCertificateChain([high, caTwin], { now, anchors: [root] });
        expect(viaCaTwin.path.map((c) => c.sha256)).toEqual([high.sha256, caTwin.sha256, root.sha256]);
        expect(await outcome(core.validateCertificateChain([caTwin], { now, anchors: [ca] }))).toBe('ERR_X509_CHAIN_UNANCHORED');
      }
    });

    /** The leaf of a fresh PKI with its validity replaced by the given DER times, re-signed by its CA. */
    async function withValidity(notBefore: Uint8Array, notAfter: Uint8Array) {
      const { ca, caKey, leaf } = await pki('P-256');
      const parts = children(tbsOf(leaf, ECDSA_OIDS.sha256));
      // version, serialNumber, signature, issuer, validity, ...
      expect(parts[0]?.[0]).toBe(0xa0);
      parts[4] = tlv(0x30, notBefore, notAfter);
      return { ca, der: signed(tlv(0x30, ...parts), caKey, 'sha256') };
    }
    const utc = (s: string) => tlv(0x17, new TextEncoder().encode(s));
    const generalized = (s: string) => tlv(0x18, new TextEncoder().encode(s));

    it('rfc5280-4.1.2.5-malformed-validity-time: a time not of the YYMMDDHHMMSSZ / YYYYMMDDHHMMSSZ form is refused at parse', async () => {
      const valid = utc('270101000000Z');
      for (const [name, time] of [
        ['UTCTime without seconds', utc('2601010000Z')],
        ['UTCTime without Z', utc('260101000000')],
        ['UTCTime with an offset', utc('260101000000+0100')],
        ['UTCTime with fractional seconds', utc('260101000000.5Z')],
        ['UTCTime month 13', utc('261301000000Z')],
        ['UTCTime 30 February', utc('260230000000Z')],
        ['UTCTime 29 February of a common year', utc('270229000000Z')],
        ['UTCTime hour 24', utc('260101240000Z')],
        ['UTCTime second 60', utc('260101235960Z')],
        ['GeneralizedTime with fractional seconds', generalized('20260101000000.5Z')],
        ['GeneralizedTime without seconds', generalized('202601010000Z')],
        ['GeneralizedTime without Z', generalized('20260101000000')],
        ['GeneralizedTime day 0', generalized('20260100000000Z')],
      ] as const) {
        const asNotBefore = await withValidity(time, valid);
        expect(await outcome(core.parseCertificate(asNotBefore.der)), `notBefore: ${name}`).toBe('ERR_X509_PARSE');
        const asNotAfter = await withValidity(utc('250101000000Z'), time);
        expect(await outcome(core.parseCertificate(asNotAfter.der)), `notAfter: ${name}`).toBe('ERR_X509_PARSE');
      }
    });

    it('rfc5280-4.1.2.5-well-formed-validity-time: both forms read as the time they name, the UTCTime century pivot at 50', async () => {
      for (const [time, iso] of [
        [utc('260101000000Z'), '2026-01-01T00:00:00.000Z'],
        [utc('280229123456Z'), '2028-02-29T12:34:56.000Z'],
        [utc('491231235959Z'), '2049-12-31T23:59:59.000Z'],
        [utc('500101000000Z'), '1950-01-01T00:00:00.000Z'],
        [generalized('20500101000000Z'), '2050-01-01T00:00:00.000Z'],
        [generalized('99991231235959Z'), '9999-12-31T23:59:59.000Z'],
        // Before 2050 RFC 5280 asks for UTCTime, but real CAs use GeneralizedTime: accepted.
        [generalized('20270101000000Z'), '2027-01-01T00:00:00.000Z'],
      ] as const) {
        const { ca, der } = await withValidity(utc('250101000000Z'), time);
        const cert = await core.parseCertificate(der);
        expect(cert.notAfter.toISOString()).toBe(iso);
        expect(await outcome(core.validateCertificateChain([cert], { now, anchors: [ca] })), iso).toBe(+cert.notAfter < +now ? 'ERR_X509_EXPIRED' : 'OK');
      }
    });
  });
}

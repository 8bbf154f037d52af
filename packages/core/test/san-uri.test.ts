/**
 * certificateNamesUri: a subjectAltName URI equal to the URI, or a dNSName equal to the host of
 * an https URI or the name of a dns: URI (RFC 5280 §4.2.1.6, RFC 4501). Real certificates from
 * createCertificate; tests assert codes.
 */
import { describe, expect, it } from 'vitest';
import { type Certificate, ComityError, certificateNamesUri, createCertificate, defaultCrypto } from '../src/index.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2027-01-01T00:00:00Z');

async function selfSigned(extra: {
  subjectAltName?: { dns?: string[]; uri?: string[] };
  extensions?: { oid: string; critical: boolean; value: Uint8Array }[];
}) {
  const keys = await defaultCrypto.generateKeyPair('ES256');
  return createCertificate({ subject: 'C=FR, CN=SAN Test', publicJwk: keys.publicJwk, signingKey: keys.privateJwk, notBefore: t0, notAfter: t1, ...extra });
}

/** `true`/`false` or the ComityError code; anything else fails the test. */
function named(cert: Certificate, uri: unknown): string {
  try {
    return String(certificateNamesUri(cert, uri as string));
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
}

describe('certificateNamesUri (RFC 5280 §4.2.1.6)', async () => {
  const byUri = await selfSigned({ subjectAltName: { uri: ['https://issuer.example/tenant/1', 'urn:example:issuer'] } });
  const byDns = await selfSigned({ subjectAltName: { dns: ['other.example', 'Issuer.Example'] } });
  const none = await selfSigned({});

  it('rfc5280-4.2.1.6-uri-exact: a URI SAN names exactly its own string', () => {
    expect(named(byUri, 'https://issuer.example/tenant/1')).toBe('true');
    expect(named(byUri, 'urn:example:issuer')).toBe('true');
    for (const uri of ['https://issuer.example/tenant/1/', 'https://issuer.example/Tenant/1', 'HTTPS://issuer.example/tenant/1', 'https://issuer.example']) {
      expect([uri, named(byUri, uri)]).toEqual([uri, 'false']);
    }
  });

  it('rfc5280-4.2.1.6-dns-host: a dNSName names the host of an https URI, ignoring ASCII case', () => {
    for (const uri of ['https://issuer.example', 'https://issuer.example/credential', 'https://ISSUER.example:8443/x?y#z', 'HTTPS://issuer.example/']) {
      expect([uri, named(byDns, uri)]).toEqual([uri, 'true']);
    }
    for (const uri of [
      'http://issuer.example/',
      'wss://issuer.example/',
      'https://sub.issuer.example/',
      'https://issuer.example.evil.example/',
      'https://issuer.example@evil.example/',
      'https://evil.example/#@issuer.example',
      'https://issuer.example./',
      'issuer.example',
      '',
    ]) {
      expect([uri, named(byDns, uri)]).toEqual([uri, 'false']);
    }
  });

  it('rfc4501-dns-uri: a dNSName names a dns: URI of its name; other forms of dns: URI name nothing', () => {
    expect(named(byDns, 'dns:issuer.example')).toBe('true');
    expect(named(byDns, 'DNS:ISSUER.example')).toBe('true');
    for (const uri of ['dns://ns.example/issuer.example', 'dns:issuer.example?type=A', 'dns:sub.issuer.example', 'dns:']) {
      expect([uri, named(byDns, uri)]).toEqual([uri, 'false']);
    }
  });

  it('a certificate without subjectAltName, or a uri that is not a string, names nothing', () => {
    expect(named(none, 'https://issuer.example')).toBe('false');
    expect(named(byDns, undefined)).toBe('false');
    expect(named(byUri, ['https://issuer.example/tenant/1'])).toBe('false');
  });

  it('rfc5280-4.2.1.6-malformed-san: a subjectAltName that is not GeneralNames, or holds a non-ASCII name, is ERR_X509_PARSE', async () => {
    const junk = await selfSigned({ extensions: [{ oid: '2.5.29.17', critical: false, value: new Uint8Array([0x04, 0x01, 0x00]) }] });
    expect(named(junk, 'https://issuer.example')).toBe('ERR_X509_PARSE');
    // GeneralNames { dNSName "é" } written in DER by hand: [2] IMPLICIT IA5String with a byte over 0x7e.
    const nonAscii = await selfSigned({ extensions: [{ oid: '2.5.29.17', critical: false, value: new Uint8Array([0x30, 0x03, 0x82, 0x01, 0xe9]) }] });
    expect(named(nonAscii, 'https://issuer.example')).toBe('ERR_X509_PARSE');
  });
});

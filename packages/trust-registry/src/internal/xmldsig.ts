import { createSign, createVerify } from 'node:crypto';
import { type Certificate, ComityError, type CryptoProvider } from '@comity/core';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { certFromBase64, pinnedSigner } from './source-common.js';
import { sha256Hex } from './util.js';
import { childText, DS_NS, descendants, elementChildren, parseXml, pem } from './xml.js';

type Cb = (err: Error | null, value?: unknown) => void;

/** XML-DSig ECDSA (RFC 6931 §2.3.6): the SignatureValue is r || s, so node verifies with ieee-p1363. */
class EcdsaAlgorithm {
  constructor(
    private readonly uri: string,
    private readonly hash: string,
  ) {}
  getAlgorithmName = (): string => this.uri;
  verifySignature = (material: string, key: string | Buffer, signatureValue: string, callback?: Cb): boolean => {
    let ok = false;
    try {
      ok = createVerify(this.hash).update(material).verify({ key, dsaEncoding: 'ieee-p1363' }, signatureValue, 'base64');
    } catch {
      ok = false;
    }
    if (callback !== undefined) callback(null, ok);
    return ok;
  };
  getSignature = (signedInfo: string, privateKey: string | Buffer, callback?: Cb): string => {
    const sig = createSign(this.hash).update(signedInfo).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' }, 'base64');
    if (callback !== undefined) callback(null, sig);
    return sig;
  };
}

/** A SignedXml with comity's algorithm policy: RSA-SHA256/512, RSA-PSS-SHA256, ECDSA-SHA256/384/512; no SHA-1. */
export function comitySignedXml(options: ConstructorParameters<typeof SignedXml>[0]): SignedXml {
  const sx = new SignedXml(options);
  const algs = sx.SignatureAlgorithms as Record<string, unknown>;
  delete algs['http://www.w3.org/2000/09/xmldsig#rsa-sha1'];
  algs['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256'] = class extends EcdsaAlgorithm {
    constructor() {
      super('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256', 'sha256');
    }
  };
  algs['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384'] = class extends EcdsaAlgorithm {
    constructor() {
      super('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384', 'sha384');
    }
  };
  algs['http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512'] = class extends EcdsaAlgorithm {
    constructor() {
      super('http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512', 'sha512');
    }
  };
  delete (sx.HashAlgorithms as Record<string, unknown>)['http://www.w3.org/2000/09/xmldsig#sha1'];
  return sx;
}

/**
 * Verifies an enveloped XML signature by a pinned certificate and returns the document
 * element as SIGNED (re-parsed from xml-crypto's signed reference), so nothing outside the
 * signature is ever read.
 */
export async function verifyEnvelopedXml(
  text: string,
  signerCertificates: readonly Certificate[],
  what: string,
  crypto: CryptoProvider,
): Promise<{ root: Element; signerSha256: string; digest: string }> {
  const doc = parseXml(text, what);
  const root = doc.documentElement as Element;
  const all = descendants(root, 'Signature', DS_NS);
  const direct = elementChildren(root, 'Signature').filter((e) => e.namespaceURI === DS_NS);
  if (all.length === 0) throw new ComityError('ERR_TRUST_LIST_UNSIGNED', `${what} carries no signature`);
  if (all.length !== 1 || direct.length !== 1) throw new ComityError('ERR_TRUST_LIST_REFERENCE', `${what} must carry exactly one enveloped signature`);
  const sigEl = direct[0] as Element;
  const presented = childText(sigEl, 'KeyInfo', 'X509Data', 'X509Certificate');
  const signer = pinnedSigner(signerCertificates, presented === undefined ? undefined : (await certFromBase64(presented, 'KeyInfo certificate')).sha256, what);
  const sx = comitySignedXml({ publicCert: pem(signer.der), getCertFromKeyInfo: () => null });
  let ok: boolean;
  try {
    sx.loadSignature(sigEl as unknown as Parameters<SignedXml['loadSignature']>[0]);
    ok = sx.checkSignature(text);
  } catch (cause) {
    throw new ComityError('ERR_TRUST_LIST_SIGNATURE', `${what} signature does not verify`, { cause });
  }
  if (!ok) throw new ComityError('ERR_TRUST_LIST_SIGNATURE', `${what} signature does not verify`);
  const rootId = root.getAttribute('Id');
  const references = sx.getReferences();
  const signed = sx.getSignedReferences();
  let rootIndex = -1;
  for (const [i, ref] of references.entries()) {
    const uri = ref.uri ?? '';
    if (uri === '' || (rootId !== null && rootId !== '' && uri === `#${rootId}`)) {
      if (!ref.transforms.includes('http://www.w3.org/2000/09/xmldsig#enveloped-signature')) {
        throw new ComityError('ERR_TRUST_LIST_REFERENCE', `${what} root reference lacks the enveloped-signature transform`);
      }
      rootIndex = i;
    }
  }
  const signedRoot = rootIndex < 0 ? undefined : signed[rootIndex];
  if (signedRoot === undefined) throw new ComityError('ERR_TRUST_LIST_REFERENCE', `the signature does not cover the ${what} element`);
  const signedDoc = parseXml(signedRoot, `signed ${what}`);
  return { root: signedDoc.documentElement as Element, signerSha256: signer.sha256, digest: await sha256Hex(crypto, new TextEncoder().encode(text)) };
}

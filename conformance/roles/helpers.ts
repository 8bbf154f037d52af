/**
 * Test data shared by the role tests: a real two-level X.509 PKI for SD-JWT VC issuers,
 * self-signed certificates, an mdoc PID presented by a wallet, and the outcome of a call as a
 * stable code.
 */
import { type Certificate, ComityError, ComityUsageError, createCertificate, createContext, type Jwk, KeyUsage, localSigner, type Signer } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createTestDocumentSigner, createTestIaca, type HandoverInput } from '@comity/mdoc';
import { issueSdJwtVc, presentSdJwt } from '@comity/sd-jwt-vc';
import { createVerifier } from '@comity/verifier';

const ctx = createContext();
const day = 86_400_000;

/** A root CA and a PID provider leaf under it (no subjectAltName), with the leaf's keys. */
export async function issuerPki(): Promise<{ root: Certificate; leaf: Certificate; leafKeys: { privateJwk: Jwk; publicJwk: Jwk } }> {
  const rootKeys = await ctx.crypto.generateKeyPair('ES256');
  const leafKeys = await ctx.crypto.generateKeyPair('ES256');
  const now = Date.now();
  const root = await createCertificate({
    subject: 'C=DE, O=Test PID CA, CN=Test PID Root',
    publicJwk: rootKeys.publicJwk,
    signingKey: rootKeys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 3650 * day),
    ca: true,
    keyUsage: KeyUsage.keyCertSign,
  });
  const leaf = await createCertificate({
    subject: 'C=DE, O=Test PID Provider, CN=pid.example.de',
    publicJwk: leafKeys.publicJwk,
    issuer: root,
    signingKey: rootKeys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 365 * day),
    keyUsage: KeyUsage.digitalSignature,
  });
  return { root, leaf, leafKeys };
}

/** A self-signed certificate for `keys`, valid from yesterday for 30 days: a CA (keyCertSign) or an end entity. */
export function selfSignedCertificate(keys: { privateJwk: Jwk; publicJwk: Jwk }, subject: string, ca = false): Promise<Certificate> {
  const now = Date.now();
  return createCertificate({
    subject,
    publicJwk: keys.publicJwk,
    signingKey: keys.privateJwk,
    notBefore: new Date(now - day),
    notAfter: new Date(now + 30 * day),
    ...(ca ? { ca: true, keyUsage: KeyUsage.keyCertSign } : { keyUsage: KeyUsage.digitalSignature }),
  });
}

/** The outcome of `call`: `NO_ERROR`, a ComityError's code, `usage:` and a usage error's code, or `other: ` and the error's name. */
export async function codeOf(call: () => unknown): Promise<string> {
  try {
    await call();
    return 'NO_ERROR';
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    if (e instanceof ComityUsageError) return `usage:${e.code}`;
    return `other: ${e instanceof Error ? e.name : typeof e}`;
  }
}

/** The extended key usage of the test PID document signer: an example OID, not the mDL one. */
export const PID_DS_EKU = '1.3.6.1.4.1.99999.18013.1';

/**
 * An mdoc PID (`age_over_18` only) issued under a fresh German test IACA by a document signer
 * with {@link PID_DS_EKU}, received by a wallet holding `holderKeys` and presented for `handover`.
 */
export async function presentedPidMdoc(
  holderKeys: { privateJwk: Jwk; publicJwk: Jwk },
  handover: HandoverInput & { clientId: string; nonce: string },
): Promise<{ iaca: Certificate; vp: string }> {
  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca, extKeyUsage: [PID_DS_EKU] });
  const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
  const { credential } = await issuer.issue({
    format: 'mso_mdoc',
    docType: 'eu.europa.ec.eudi.pid.1',
    nameSpaces: { 'eu.europa.ec.eudi.pid.1': { age_over_18: true } },
    holderKey: holderKeys.publicJwk,
  });
  const wallet = createWallet({ keyBindingSigner: localSigner(holderKeys.privateJwk, 'ES256', ctx.crypto), ctx });
  const stored = await wallet.receive(credential);
  const claim = ['eu.europa.ec.eudi.pid.1', 'age_over_18'];
  const vp = await wallet.present(stored.id, { verifier: handover.clientId, nonce: handover.nonce, handover, claims: [claim] }, [claim]);
  return { iaca: iaca.certificate, vp };
}

/**
 * A wallet holding a test mDL (Greek, `family_name` and `age_over_18`, unless `iaca` and
 * `nameSpaces` say otherwise; `status` when given), the OpenID4VP handover of a request from
 * `x509_san_dns:shop.example`, and a verifier that trusts the IACA.
 */
export async function mdocWallet(
  extra: {
    status?: { status_list: { idx: number; uri: string } };
    iaca?: { country: string; stateOrProvinceName?: string };
    nameSpaces?: Record<string, Record<string, unknown>>;
  } = {},
) {
  const iaca = await createTestIaca({ ctx, ...(extra.iaca ?? { country: 'GR' }) });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const { credential } = await createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx }).issue({
    format: 'mso_mdoc',
    docType: 'org.iso.18013.5.1.mDL',
    nameSpaces: extra.nameSpaces ?? { 'org.iso.18013.5.1': { family_name: 'Papadopoulou', age_over_18: true } },
    holderKey: walletKeys.publicJwk,
    ...(extra.status === undefined ? {} : { status: extra.status }),
  });
  const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
  const stored = await wallet.receive(credential);
  const handover = {
    type: 'openid4vp',
    clientId: 'x509_san_dns:shop.example',
    nonce: 'n-1',
    responseUri: 'https://shop.example/cb',
    jwkThumbprint: null,
  } as const;
  return { wallet, stored, ds, iaca: iaca.certificate, handover, verifier: createVerifier({ trustAnchors: [iaca.certificate], ctx }) };
}

/** A PID SD-JWT VC (`age_over_18` and `given_name`, both disclosable; no status) signed by `signer` with `header`, bound to `holderKeys`. */
export function issuePidSdJwt(signer: Signer, holderKeys: { publicJwk: Jwk }, header: Record<string, unknown> = {}): Promise<string> {
  return issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:1',
      claims: { age_over_18: true, given_name: 'ERIKA' },
      disclosable: [['age_over_18'], ['given_name']],
      holderKey: holderKeys.publicJwk,
      signer,
      header,
    },
    ctx,
  );
}

/** `credential` with both claims disclosed and a KB-JWT signed by `holderKeys` for `binding`. */
export function presentBothClaims(credential: string, holderKeys: { privateJwk: Jwk }, binding: { nonce: string; audience: string }): Promise<string> {
  return presentSdJwt(
    credential,
    { disclose: [['age_over_18'], ['given_name']], keyBinding: { signer: localSigner(holderKeys.privateJwk, 'ES256', ctx.crypto), ...binding } },
    ctx,
  );
}

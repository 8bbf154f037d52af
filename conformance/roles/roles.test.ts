import { createCertificate, createContext, KeyUsage, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { createVerifier, detectFormat } from '@comity/verifier';
import { describe, expect, it } from 'vitest';

const ctx = createContext();
const day = 86_400_000;

async function issuerPki() {
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

describe('issuer -> wallet -> verifier', () => {
  it('an x5c-signed PID is accepted against the root, disclosing only what the citizen consented to', async () => {
    const { root, leaf, leafKeys } = await issuerPki();
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), certificateChain: [leaf], ctx });
    const { credential } = await issuer.issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { given_name: 'Erika', family_name: 'Mustermann', age_over_18: true },
      holderKey: walletKeys.publicJwk,
    });
    expect(detectFormat(credential)).toBe('dc+sd-jwt');
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    expect(stored.type).toBe('urn:eudi:pid:1');
    const request = { verifier: 'https://rp.example.fr', nonce: 'nonce-1', claims: [['given_name'], ['age_over_18']] };
    expect(wallet.describeRequest(stored.id, request).claims.every((c) => c.available && c.selectivelyDisclosable)).toBe(true);
    const vp = await wallet.present(stored.id, request, [['age_over_18']]);
    expect(wallet.log()).toMatchObject([{ verifier: 'https://rp.example.fr', disclosed: [['age_over_18']], withheld: [['given_name']] }]);

    const verifier = createVerifier({ trustAnchors: [root], ctx });
    const result = await verifier.verify(vp, { nonce: 'nonce-1', audience: 'https://rp.example.fr', vctValues: ['urn:eudi:pid:1'] });
    expect(result.errors).toEqual([]);
    expect(result.claims).toMatchObject({ age_over_18: true });
    expect(result.claims.given_name).toBeUndefined();
    expect(result.issuer).toMatchObject({ keyMethod: 'x5c', anchor: { sha256: root.sha256 }, country: 'DE' });

    // Another root: the chain is not anchored.
    const other = await issuerPki();
    const untrusted = await createVerifier({ trustAnchors: [other.root], ctx }).verify(vp, { nonce: 'nonce-1', audience: 'https://rp.example.fr' });
    expect(untrusted.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
    // A type the verifier does not accept.
    const wrongType = await verifier.verify(vp, { nonce: 'nonce-1', audience: 'https://rp.example.fr', vctValues: ['urn:eudi:mdl:1'] });
    expect(wrongType.errors.map((e) => e.code)).toEqual(['ERR_SDJWT_VC_VCT_NOT_ACCEPTED']);
  });
  it('the wallet refuses an SD-JWT+KB at issuance and unknown credential ids', async () => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const signer = localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto);
    const { credential } = await createIssuer({ signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto), ctx }).issue({
      format: 'dc+sd-jwt',
      vct: 'urn:x:1',
      claims: { a: 1 },
      holderKey: walletKeys.publicJwk,
    });
    const wallet = createWallet({ keyBindingSigner: signer, ctx });
    const stored = await wallet.receive(credential);
    const withKb = await wallet.present(stored.id, { verifier: 'v', nonce: 'n', claims: [['a']] }, [['a']]);
    await expect(wallet.receive(withKb)).rejects.toMatchObject({ code: 'ERR_SDJWT_KB_AT_ISSUANCE' });
    await expect(wallet.present('nope', { verifier: 'v', nonce: 'n', claims: [] }, [])).rejects.toMatchObject({ code: 'ERR_HOLDER_CREDENTIAL_UNKNOWN' });
  });
});

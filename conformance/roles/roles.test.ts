import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { addJsonSignature, jwtVcIssuerMetadataKey, type SdJwtJsonGeneral, toJsonSerialization } from '@comity/sd-jwt-vc';
import { createVerifier, detectFormat } from '@comity/verifier';
import { describe, expect, it } from 'vitest';
import { issuerPki } from './helpers.js';

const ctx = createContext();
const day = 86_400_000;

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
  it('a credential issued in the General JSON Serialization with two keys is presented in it, each signature still checkable', async () => {
    const key1 = await ctx.crypto.generateKeyPair('ES256');
    const key2 = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const { credential } = await createIssuer({ signer: localSigner(key1.privateJwk, 'ES256', ctx.crypto), ctx }).issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { given_name: 'Erika', age_over_18: true },
      holderKey: walletKeys.publicJwk,
    });
    const general = await addJsonSignature(toJsonSerialization(credential, { form: 'general', header: { kid: 'k1' } }) as SdJwtJsonGeneral, {
      signer: localSigner(key2.privateJwk, 'ES256', ctx.crypto),
      protectedHeader: { typ: 'dc+sd-jwt' },
      header: { kid: 'k2' },
    });
    expect(detectFormat(JSON.stringify(general))).toBe('dc+sd-jwt');
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(JSON.stringify(general));
    const request = { verifier: 'https://rp.example.fr', nonce: 'nonce-2', claims: [['given_name'], ['age_over_18']] };
    const vp = await wallet.present(stored.id, request, [['age_over_18']]);
    const sent = JSON.parse(vp) as SdJwtJsonGeneral;
    // Both signatures go (the wallet checked neither: it has no issuer key), but not the unsigned
    // kids: the citizen is not shown them and no verifier may rely on them.
    expect(stored.notForwarded).toEqual({ headerParameters: ['kid'], signatures: [] });
    expect(sent.signatures).toHaveLength(2);
    expect(sent.signatures.map((sig) => sig.header?.kid)).toEqual([undefined, undefined]);
    expect(sent.signatures[0]?.header?.disclosures).toHaveLength(1);
    for (const issuerKey of [key1.publicJwk, key2.publicJwk]) {
      const result = await createVerifier({ issuerKeys: [issuerKey], ctx }).verify(vp, { nonce: 'nonce-2', audience: 'https://rp.example.fr' });
      expect(result.errors).toEqual([]);
      expect(result.claims).toMatchObject({ age_over_18: true });
      expect(result.claims.given_name).toBeUndefined();
    }
  });
  it('a PID whose x5c leaf has no SAN (as the EUDI reference PID certificates) is accepted with its iss, reported by certificate subject', async () => {
    const { root, leaf, leafKeys } = await issuerPki();
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const { credential } = await createIssuer({
      signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto),
      issuerId: 'https://pid.example.de',
      certificateChain: [leaf],
      ctx,
    }).issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims: { age_over_18: true }, holderKey: walletKeys.publicJwk });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    const request = { verifier: 'https://rp.example.fr', nonce: 'nonce-3', claims: [['age_over_18']] };
    const vp = await wallet.present(stored.id, request, [['age_over_18']]);
    const result = await createVerifier({ trustAnchors: [root], ctx }).verify(vp, { nonce: 'nonce-3', audience: 'https://rp.example.fr' });
    expect(result.errors).toEqual([]);
    // iss is not bound to the certificate, so the issuer is named by what the chain proves.
    expect(result.issuer).toMatchObject({ keyMethod: 'x5c', id: leaf.subject });
  });
  it("rfc9901-7.2-holder-signature: the wallet checks an x5c credential's issuer signature on receipt and refuses an altered one", async () => {
    const { leaf, leafKeys } = await issuerPki();
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), certificateChain: [leaf], ctx });
    const { credential } = await issuer.issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims: { age_over_18: true }, holderKey: walletKeys.publicJwk });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    // The same payload with one more plain claim, under the original signature.
    const [header, payload, rest] = credential.split('.') as [string, string, string];
    const altered = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), nationality: 'FR' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${rest}`;
    await expect(wallet.receive(tampered)).rejects.toMatchObject({ code: 'ERR_SDJWT_SIGNATURE_INVALID' });
    // Signed by another key than the x5c leaf's.
    const other = await issuerPki();
    const forged = await createIssuer({ signer: localSigner(other.leafKeys.privateJwk, 'ES256', ctx.crypto), certificateChain: [leaf], ctx }).issue({
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      claims: { age_over_18: true },
      holderKey: walletKeys.publicJwk,
    });
    await expect(wallet.receive(forged.credential)).rejects.toMatchObject({ code: 'ERR_SDJWT_SIGNATURE_INVALID' });
    expect(wallet.credentials()).toEqual([]);
    expect((await wallet.receive(credential)).type).toBe('urn:eudi:pid:1');
  });

  it('rfc9901-7.2-holder-signature-by-resolver: without x5c the wallet checks the signature with its issuerKey resolver (JWT VC Issuer Metadata over loopback HTTP)', async () => {
    const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const server = createServer((req, res) => {
      const body = JSON.stringify({ issuer: iss, jwks: { keys: [{ ...issuerKeys.publicJwk, kid: 'pid-2026' }] } });
      if (req.url !== '/.well-known/jwt-vc-issuer/pid') res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const iss = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pid`;
    try {
      const httpCtx = createContext({ fetch: globalThis.fetch });
      const issue = (signingKey: typeof issuerKeys.privateJwk) =>
        createIssuer({ signer: localSigner(signingKey, 'ES256', httpCtx.crypto), issuerId: iss, kid: 'pid-2026', ctx: httpCtx }).issue({
          format: 'dc+sd-jwt',
          vct: 'urn:eudi:pid:1',
          claims: { age_over_18: true },
          holderKey: walletKeys.publicJwk,
        });
      const { credential } = await issue(issuerKeys.privateJwk);
      const keyBindingSigner = localSigner(walletKeys.privateJwk, 'ES256', httpCtx.crypto);
      // Without a resolver the wallet keeps it, and says it could not check it.
      expect((await createWallet({ keyBindingSigner, ctx: httpCtx }).receive(credential)).issuerSignature).toBe('unchecked');
      const wallet = createWallet({ keyBindingSigner, ctx: httpCtx, issuerKey: jwtVcIssuerMetadataKey({ allowLoopbackHttp: true }) });
      expect((await wallet.receive(credential)).issuerSignature).toBe('verified');
      // The same kid and iss, signed by another key: refused, nothing stored.
      const forged = await issue((await ctx.crypto.generateKeyPair('ES256')).privateJwk);
      await expect(wallet.receive(forged.credential)).rejects.toMatchObject({ code: 'ERR_SDJWT_SIGNATURE_INVALID' });
      expect(wallet.credentials()).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('the wallet reports the issuer signature it checked: an x5c SD-JWT VC is verified', async () => {
    const { leaf, leafKeys } = await issuerPki();
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: localSigner(leafKeys.privateJwk, 'ES256', ctx.crypto), certificateChain: [leaf], ctx });
    const { credential } = await issuer.issue({ format: 'dc+sd-jwt', vct: 'urn:eudi:pid:1', claims: { age_over_18: true }, holderKey: walletKeys.publicJwk });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    expect((await wallet.receive(credential)).issuerSignature).toBe('verified');
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

describe('issuer -> wallet -> verifier (mdoc)', () => {
  it('an mDL issued through the issuer role is presented over an OpenID4VP handover with only the consented element', async () => {
    const { createTestDocumentSigner, createTestIaca, FullDate } = await import('@comity/mdoc');
    const iaca = await createTestIaca({ ctx, country: 'GR' });
    const ds = await createTestDocumentSigner({ ctx, iaca });
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    const { format, credential } = await issuer.issue({
      format: 'mso_mdoc',
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: { 'org.iso.18013.5.1': { family_name: 'Papadopoulou', given_name: 'Eleni', birth_date: new FullDate('1990-04-02'), age_over_18: true } },
      holderKey: walletKeys.publicJwk,
    });
    expect(format).toBe('mso_mdoc');
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const stored = await wallet.receive(credential);
    expect(stored).toMatchObject({ format: 'mso_mdoc', type: 'org.iso.18013.5.1.mDL', issuerSignature: 'verified' });
    expect((stored.claims as Record<string, Record<string, unknown>>)['org.iso.18013.5.1']?.birth_date).toBe('1990-04-02');
    const handover = {
      type: 'openid4vp',
      clientId: 'x509_san_dns:shop.example.de',
      nonce: 'n-mdl',
      responseUri: 'https://shop.example.de/cb',
      jwkThumbprint: null,
    } as const;
    const request = {
      verifier: handover.clientId,
      nonce: handover.nonce,
      handover,
      claims: [
        ['org.iso.18013.5.1', 'age_over_18'],
        ['org.iso.18013.5.1', 'family_name'],
      ],
    };
    expect(wallet.describeRequest(stored.id, request).claims.every((c) => c.available)).toBe(true);
    const vp = await wallet.present(stored.id, request, [['org.iso.18013.5.1', 'age_over_18']]);
    const result = await createVerifier({ trustAnchors: [iaca.certificate], ctx }).verify(vp, { handover });
    expect(result.errors).toEqual([]);
    expect(result.format).toBe('mso_mdoc');
    expect(result.claims).toEqual({ 'org.iso.18013.5.1': { age_over_18: true } });
    const replay = await createVerifier({ trustAnchors: [iaca.certificate], ctx }).verify(vp, { handover: { ...handover, nonce: 'other' } });
    expect(replay.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_SIGNATURE_INVALID']);
    await expect(wallet.present(stored.id, { verifier: 'v', nonce: 'n', claims: [] }, [])).rejects.toMatchObject({
      code: 'ERR_HOLDER_SESSION_TRANSCRIPT_REQUIRED',
    });
  });
  it('the wallet refuses an mDL whose values its issuer did not sign, and keeps nothing of it', async () => {
    const { createTestDocumentSigner, createTestIaca } = await import('@comity/mdoc');
    const { base64urlDecode, base64urlEncode } = await import('@comity/core');
    const iaca = await createTestIaca({ ctx, country: 'GR' });
    const ds = await createTestDocumentSigner({ ctx, iaca });
    const walletKeys = await ctx.crypto.generateKeyPair('ES256');
    const issuer = createIssuer({ signer: ds.signer, certificateChain: [ds.certificate], ctx });
    const { credential } = await issuer.issue({
      format: 'mso_mdoc',
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: { 'org.iso.18013.5.1': { family_name: 'Papadopoulou', age_over_18: true } },
      holderKey: walletKeys.publicJwk,
    });
    const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
    const bytes = Buffer.from(base64urlDecode(credential));
    const at = bytes.indexOf('Papadopoulou');
    expect(at).toBeGreaterThan(0);
    bytes.write('Papadopoulos', at); // same length: only the digest can tell
    await expect(wallet.receive(base64urlEncode(bytes))).rejects.toMatchObject({ code: 'ERR_MDOC_DIGEST_MISMATCH' });
    // Signed by a document signer, but not by the one the MSO names: the issuer signature fails.
    const other = await createTestDocumentSigner({ ctx, iaca });
    const forged = await createIssuer({ signer: other.signer, certificateChain: [ds.certificate], ctx }).issue({
      format: 'mso_mdoc',
      docType: 'org.iso.18013.5.1.mDL',
      nameSpaces: { 'org.iso.18013.5.1': { age_over_18: true } },
      holderKey: walletKeys.publicJwk,
    });
    await expect(wallet.receive(forged.credential)).rejects.toMatchObject({ code: 'ERR_MDOC_ISSUER_SIGNATURE_INVALID' });
    expect(wallet.credentials()).toEqual([]);
    expect((await wallet.receive(credential)).format).toBe('mso_mdoc');
    // Trust policy stays the verifier's: a document signer with another EKU (say, a PID
    // provider's) is not the wallet's to refuse.
    const pidDs = await createTestDocumentSigner({ ctx, iaca, extKeyUsage: ['1.3.6.1.4.1.99999.1'] });
    const pid = await createIssuer({ signer: pidDs.signer, certificateChain: [pidDs.certificate], ctx }).issue({
      format: 'mso_mdoc',
      docType: 'eu.europa.ec.eudi.pid.1',
      nameSpaces: { 'eu.europa.ec.eudi.pid.1': { age_over_18: true } },
      holderKey: walletKeys.publicJwk,
    });
    expect((await wallet.receive(pid.credential)).type).toBe('eu.europa.ec.eudi.pid.1');
  });

  it('a DeviceResponse with one untrusted document is refused whole, with no document values in the result', async () => {
    const { buildSessionTranscript, createTestDocumentSigner, createTestIaca, issueMdoc, presentMdoc } = await import('@comity/mdoc');
    const trusted = await createTestIaca({ ctx, country: 'GR' });
    const untrusted = await createTestIaca({ ctx, country: 'XX' });
    const device = await ctx.crypto.generateKeyPair('ES256');
    const now = ctx.now();
    const issue = async (iaca: typeof trusted, docType: string, ns: string, values: Record<string, unknown>) => {
      const ds = await createTestDocumentSigner({ ctx, iaca });
      return issueMdoc({
        docType,
        nameSpaces: { [ns]: values },
        deviceKey: device.publicJwk,
        signer: ds.signer,
        certificateChain: [ds.certificate],
        validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + day) },
        ctx,
      });
    };
    const mdl = await issue(trusted, 'org.iso.18013.5.1.mDL', 'org.iso.18013.5.1', { family_name: 'PAPADOPOULOU' });
    const pid = await issue(untrusted, 'eu.europa.ec.eudi.pid.1', 'eu.europa.ec.eudi.pid.1', { family_name: 'NOBODY' });
    const handover = { type: 'openid4vp' as const, clientId: 'x509_san_dns:rp.example', nonce: 'n-4', responseUri: 'https://rp.example/cb' };
    const deviceSigner = localSigner(device.privateJwk, 'ES256', ctx.crypto);
    const response = await presentMdoc({
      documents: [
        { issuerSigned: mdl, disclose: [['org.iso.18013.5.1', 'family_name']], deviceSigner },
        { issuerSigned: pid, disclose: [['eu.europa.ec.eudi.pid.1', 'family_name']], deviceSigner },
      ],
      sessionTranscript: await buildSessionTranscript(handover, ctx),
      ctx,
    });
    const result = await createVerifier({ trustAnchors: [trusted.certificate], ctx }).verify(response, { handover });
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_X509_CHAIN_UNANCHORED']);
    // The trusted mDL verified on its own, but the response as a whole did not: nothing is released.
    expect(JSON.stringify(result)).not.toContain('PAPADOPOULOU');
  });
});

/**
 * The verifier role and `comity verify --trust / --trust-list` with the trust registry, on the
 * cross-border demo world (real keys, certificates, signed lists and agreements built on the fly;
 * the world is the example's fixture, imported here as test data).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { main } from '@comity/cli';
import { base64Encode, type Certificate, createCertificate, createContext, derToPem, KeyUsage, localSigner, type Signer } from '@comity/core';
import { buildSessionTranscript, EKU_MDL_DOCUMENT_SIGNER, FullDate, issueMdoc, presentMdoc } from '@comity/mdoc';
import { issueSdJwtVc, presentSdJwt } from '@comity/sd-jwt-vc';
import { STATUS_INVALID, StatusList, signStatusListJwt } from '@comity/status-list';
import { signVical } from '@comity/trust-registry';
import { createVerifier } from '@comity/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, loadRegistry, MDL, MDL_NS, type Party, trustConfig, type World } from '../../examples/cross-border/src/world.js';

const ctx = createContext();
const dir = mkdtempSync(join(tmpdir(), 'comity-trust-'));
let world: World;
let pidPresentation: string;
let mdlPresentation: string;
const handover = {
  type: 'openid4vp',
  clientId: 'x509_san_dns:shop.example.de',
  nonce: 'n-shop',
  responseUri: 'https://shop.example.de/cb',
  jwkThumbprint: null,
} as const;

beforeAll(async () => {
  world = await buildWorld();
  for (const [path, bytes] of world.files) writeFileSync(join(dir, basename(path)), bytes);
  const fr = { jurisdiction: 'FR', purpose: 'account-opening' };
  writeFileSync(join(dir, 'fr.json'), JSON.stringify(trustConfig(fr)));
  writeFileSync(join(dir, 'fr-tampered.json'), JSON.stringify(trustConfig(fr, 'eu-pid-providers.tampered.jws')));
  writeFileSync(join(dir, 'fr-stale.json'), JSON.stringify(trustConfig(fr, 'eu-pid-providers.stale.jws')));
  writeFileSync(join(dir, 'de.json'), JSON.stringify(trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' })));
  writeFileSync(join(dir, 'ec-seal.pem'), derToPem(world.ecSeal.cert.der));

  const holder = await ctx.crypto.generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const pid = await issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:de:1',
      holderKey: holder.publicJwk,
      expiresAt: now + 3600,
      claims: { given_name: 'ERIKA', family_name: 'MUSTERMANN', birthdate: '1964-08-12', birth_place: 'BERLIN', nationalities: ['DE'] },
      disclosable: [['given_name'], ['family_name'], ['birthdate'], ['birth_place'], ['nationalities']],
      signer: world.dePidIssuer.signer,
      header: { x5c: [base64Encode(world.dePidIssuer.cert.der)] },
    },
    ctx,
  );
  pidPresentation = await presentSdJwt(
    pid,
    {
      disclose: [['given_name'], ['family_name'], ['birthdate'], ['birth_place']],
      keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience: 'https://rp.example.fr', nonce: 'n-fr' },
    },
    ctx,
  );
  writeFileSync(join(dir, 'de-pid.txt'), pidPresentation);

  mdlPresentation = await mdlPresentationBy(world.grDs.signer, [world.grDs.cert]);
  writeFileSync(join(dir, 'gr-mdl.txt'), mdlPresentation);
});

/** A Greek mDL (family_name and age_over_18 disclosed) signed by `signer`, with `chain` as its x5chain. */
async function mdlPresentationBy(signer: Signer, chain: Certificate[]): Promise<string> {
  const device = await ctx.crypto.generateKeyPair('ES256');
  const signed = ctx.now();
  const mdl = await issueMdoc({
    docType: MDL,
    nameSpaces: {
      [MDL_NS]: { family_name: 'PAPADOPOULOU', given_name: 'ELENI', birth_date: new FullDate('1990-03-25'), issuing_country: 'GR', age_over_18: true },
    },
    deviceKey: device.publicJwk,
    signer,
    certificateChain: chain,
    validity: { signed, validFrom: signed, validUntil: new Date(signed.getTime() + 86_400_000) },
    ctx,
  });
  return Buffer.from(
    await presentMdoc({
      issuerSigned: mdl,
      disclose: [
        [MDL_NS, 'family_name'],
        [MDL_NS, 'age_over_18'],
      ],
      deviceSigner: localSigner(device.privateJwk, 'ES256', ctx.crypto),
      sessionTranscript: await buildSessionTranscript(handover, ctx),
      ctx,
    }),
  ).toString('base64url');
}

async function cli(args: string[]) {
  const out: string[] = [];
  const code = await main(
    ['verify', ...args, '--json'],
    (l) => out.push(l),
    () => {},
  );
  return { code, json: JSON.parse(out.join('\n')) };
}

describe('verifier role with a trust registry', () => {
  it('accepts a German PID at the French service with the claims mapped into the French schema', async () => {
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(pidPresentation, { nonce: 'n-fr', audience: 'https://rp.example.fr' });
    expect(result.errors).toEqual([]);
    expect(result.trust?.outcome).toBe('accepted');
    expect(result.trust?.agreement?.id).toBe('ra:FR<-DE:pid');
    expect(Object.keys(result.trust?.mappedClaims ?? {}).length).toBeGreaterThan(0);
  });
  it('accepts a Greek mDL at the German shop for age_over_18 only; family_name is dropped', async () => {
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(mdlPresentation, { handover });
    expect(result.errors).toEqual([]);
    expect(result.trust?.outcome).toBe('accepted');
    expect(JSON.stringify(result.trust?.mappedClaims)).not.toContain('PAPADOPOULOU');
    expect(result.trust?.droppedClaims.length).toBeGreaterThan(0);
  });
  describe('a DeviceResponse with two mDLs', () => {
    const twoMdls = async (ages: [boolean, boolean]) => {
      const device = await ctx.crypto.generateKeyPair('ES256');
      const signed = ctx.now();
      const mdlWith = (age_over_18: boolean) =>
        issueMdoc({
          docType: MDL,
          nameSpaces: { [MDL_NS]: { family_name: 'PAPADOPOULOU', issuing_country: 'GR', age_over_18 } },
          deviceKey: device.publicJwk,
          signer: world.grDs.signer,
          certificateChain: [world.grDs.cert],
          validity: { signed, validFrom: signed, validUntil: new Date(signed.getTime() + 86_400_000) },
          ctx,
        });
      const deviceSigner = localSigner(device.privateJwk, 'ES256', ctx.crypto);
      const disclose = [
        [MDL_NS, 'age_over_18'],
        [MDL_NS, 'family_name'],
      ];
      const response = await presentMdoc({
        documents: [
          { issuerSigned: await mdlWith(ages[0]), disclose, deviceSigner },
          { issuerSigned: await mdlWith(ages[1]), disclose, deviceSigner },
        ],
        sessionTranscript: await buildSessionTranscript(handover, ctx),
        ctx,
      });
      const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' }));
      return createVerifier({ trustRegistry: registry, ctx }).verify(response, { handover });
    };

    it('both accepted: each document carries its own decision and mapped claims', async () => {
      const result = await twoMdls([true, true]);
      expect(result.errors).toEqual([]);
      const documents = result.documents ?? [];
      expect(documents.map((d) => d.trust?.outcome)).toEqual(['accepted', 'accepted']);
      for (const d of documents) expect(JSON.stringify(d.trust?.mappedClaims)).toContain('true');
    });

    it('the second refused by the acceptance rule: its own decision says so, and nothing is released by either', async () => {
      const result = await twoMdls([true, false]);
      expect(result.valid).toBe(false);
      expect(result.trust?.outcome).toBe('rejected');
      expect((result.documents ?? []).map((d) => d.trust?.outcome)).toEqual(['accepted', 'rejected']);
      expect((result.documents ?? []).map((d) => d.trust?.mappedClaims)).toEqual([{}, {}]);
      expect(JSON.stringify(result)).not.toContain('PAPADOPOULOU');
    });
  });
  it('rejects the Greek mDL at the French service (no agreement covers it) and returns none of its values, not even per document', async () => {
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(mdlPresentation, { handover });
    expect(result.valid).toBe(false);
    expect(result.trust?.outcome).toBe('rejected');
    expect(JSON.stringify(result)).not.toContain('PAPADOPOULOU');
  });
  it('rejects the German PID at the German shop when the agreement does not cover it', async () => {
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(pidPresentation, { nonce: 'n-fr', audience: 'https://rp.example.fr' });
    expect(result.valid).toBe(false);
    expect(result.trust?.outcome).not.toBe('accepted');
    expect(result.claims).toEqual({});
  });
});

describe('trust before status, and nothing released by a refused presentation', () => {
  // The status URI comes from the credential: it is fetched only once the registry trusts the
  // issuer, so an untrusted credential cannot make the verifier fetch a URL of its choosing.
  const fetchCtx = createContext({ fetch: globalThis.fetch });
  const requests: string[] = [];
  let server: Server;
  let base: string;
  const statusKeys = ctx.crypto.generateKeyPair('ES256');
  beforeAll(async () => {
    const keys = await statusKeys;
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url !== '/pid-status') {
        res.statusCode = 404;
        res.end();
        return;
      }
      const list = new StatusList(16, 1);
      list.set(1, STATUS_INVALID);
      const now = Math.floor(Date.now() / 1000);
      signStatusListJwt({ list, uri: `${base}/pid-status`, iat: now - 10, exp: now + 600, signer: localSigner(keys.privateJwk, 'ES256', ctx.crypto) }).then(
        (t) => {
          res.setHeader('content-type', 'application/statuslist+jwt');
          res.end(t);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const pidWithStatus = async (issuer: Party, path: string, idx: number) => {
    const holder = await ctx.crypto.generateKeyPair('ES256');
    const pid = await issueSdJwtVc(
      {
        vct: 'urn:eudi:pid:de:1',
        holderKey: holder.publicJwk,
        claims: { given_name: 'ERIKA', family_name: 'MUSTERMANN', birthdate: '1964-08-12' },
        disclosable: [['given_name'], ['family_name'], ['birthdate']],
        status: { status_list: { idx, uri: `${base}${path}` } },
        signer: issuer.signer,
        header: { x5c: [base64Encode(issuer.cert.der)] },
      },
      ctx,
    );
    return presentSdJwt(
      pid,
      {
        disclose: [['given_name'], ['family_name'], ['birthdate']],
        keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience: 'https://rp.example.fr', nonce: 'n-fr' },
      },
      ctx,
    );
  };
  const frVerifier = async (config = trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' })) =>
    createVerifier({
      trustRegistry: await loadRegistry(world, config),
      status: { keys: [(await statusKeys).publicJwk], allowLoopbackHttp: true },
      ctx: fetchCtx,
    });
  const binding = { nonce: 'n-fr', audience: 'https://rp.example.fr' };

  it('a self-signed issuer is rejected by the registry and its status URI is never fetched', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const now = Date.now();
    const cert = await createCertificate({
      subject: 'C=DE, CN=pid.example.de (self-signed)',
      publicJwk: keys.publicJwk,
      signingKey: keys.privateJwk,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
      keyUsage: KeyUsage.digitalSignature,
    });
    const impostor = { cert, privateJwk: keys.privateJwk, signer: localSigner(keys.privateJwk, 'ES256', ctx.crypto) };
    const result = await (await frVerifier()).verify(await pidWithStatus(impostor, '/chosen-by-the-presenter', 0), binding);
    expect(result.valid).toBe(false);
    expect(result.trust?.outcome).toBe('rejected');
    expect(result.errors.map((e) => e.code)).toContain('ERR_TRUST_REJECTED');
    expect(result.errors.some((e) => e.code.startsWith('ERR_STATUS_') || e.code.startsWith('ERR_CREDENTIAL_'))).toBe(false);
    expect(requests).not.toContain('/chosen-by-the-presenter');
  });

  it('a trusted PID that was revoked: trust accepted, ERR_CREDENTIAL_REVOKED, no claim released, mapped or not', async () => {
    const result = await (await frVerifier()).verify(await pidWithStatus(world.dePidIssuer, '/pid-status', 1), binding);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_CREDENTIAL_REVOKED']);
    expect(result.valid).toBe(false);
    expect(result.trust?.outcome).toBe('accepted');
    expect(result.claims).toEqual({});
    expect(result.trust?.mappedClaims).toEqual({});
    expect(JSON.stringify(result)).not.toContain('MUSTERMANN');
  });

  it('the same PID not revoked is accepted with its mapped claims', async () => {
    const result = await (await frVerifier()).verify(await pidWithStatus(world.dePidIssuer, '/pid-status', 0), binding);
    expect(result.errors).toEqual([]);
    expect(JSON.stringify(result.trust?.mappedClaims)).toContain('MUSTERMANN');
  });

  it('an indeterminate decision (stale list) releases no mapped claim', async () => {
    const config = trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' }, 'eu-pid-providers.stale.jws');
    const result = await createVerifier({ trustRegistry: await loadRegistry(world, config), ctx }).verify(pidPresentation, binding);
    expect(result.trust?.outcome).toBe('indeterminate');
    expect(result.errors.map((e) => e.code)).toContain('ERR_TRUST_INDETERMINATE');
    expect(result.claims).toEqual({});
    expect(result.trust?.mappedClaims).toEqual({});
    expect(JSON.stringify(result)).not.toContain('MUSTERMANN');
  });

  it('a registry with agreements but no verifier jurisdiction is a usage error when the verifier is created', async () => {
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'FR', purpose: 'account-opening' }));
    const unnamed = Object.assign(Object.create(Object.getPrototypeOf(registry)), registry, { verifier: undefined });
    expect(() => createVerifier({ trustRegistry: unnamed, ctx })).toThrow(expect.objectContaining({ code: 'ERR_USAGE_VERIFIER' }));
    expect(() => createVerifier({ trustRegistry: unnamed, verifierProfile: { jurisdiction: 'FR' }, ctx })).not.toThrow();
  });
});

describe('ISO/IEC 18013-5 Annex B chain profile behind a trust registry', () => {
  // The registry anchors any X.509 path; the document signer rules must still hold on it.
  /** A certificate issued by `issuer`, or self-signed without one. */
  const certificate = async (subject: string, issuer: Party | undefined, extra: Partial<Parameters<typeof createCertificate>[0]>): Promise<Party> => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const now = ctx.now();
    const cert = await createCertificate({
      subject,
      publicJwk: keys.publicJwk,
      ...(issuer === undefined ? {} : { issuer: issuer.cert }),
      signingKey: issuer?.privateJwk ?? keys.privateJwk,
      notBefore: new Date(now.getTime() - 86_400_000),
      notAfter: new Date(now.getTime() + 86_400_000 * 30),
      ...extra,
    });
    return { cert, privateJwk: keys.privateJwk, signer: localSigner(keys.privateJwk, 'ES256', ctx.crypto) };
  };
  const documentSigner = { keyUsage: KeyUsage.digitalSignature, extKeyUsage: [EKU_MDL_DOCUMENT_SIGNER] };

  it('18013-5-B.1-country: a German document signer under the Greek IACA is refused (ERR_MDOC_COUNTRY_MISMATCH), nothing released', async () => {
    const ds = await certificate('C=DE, CN=DE DS under the GR IACA', world.grIaca, documentSigner);
    const registry = await loadRegistry(world, trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(await mdlPresentationBy(ds.signer, [ds.cert]), { handover });
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_MDOC_COUNTRY_MISMATCH']);
    expect(JSON.stringify(result)).not.toContain('PAPADOPOULOU');
  });

  it('18013-5-B.1-no-intermediate: a document signer under an intermediate CA of a listed IACA is refused (ERR_MDOC_CHAIN_PROFILE)', async () => {
    // An IACA without the path length 0 the profile asks for, so X.509 alone allows an intermediate.
    const iaca = await certificate('C=GR, CN=GR IACA (no path length)', undefined, { ca: true, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign });
    const intermediate = await certificate('C=GR, CN=GR intermediate CA', iaca, { ca: true, pathLength: 0, keyUsage: KeyUsage.keyCertSign });
    const ds = await certificate('C=GR, CN=GR DS under an intermediate', intermediate, documentSigner);
    const files = new Map(world.files);
    files.set(
      '/world/eu-mdl.vical',
      await signVical(
        { provider: 'test VICAL', date: ctx.now(), issueId: 22, certificateInfos: [{ certificate: iaca.cert, docTypes: [MDL], issuingCountry: 'GR' }] },
        world.vicalSigner.signer,
        [world.vicalSigner.cert],
      ),
    );
    const registry = await loadRegistry({ ...world, files }, trustConfig({ jurisdiction: 'DE', purpose: 'age-verification' }));
    const result = await createVerifier({ trustRegistry: registry, ctx }).verify(await mdlPresentationBy(ds.signer, [ds.cert, intermediate.cert]), {
      handover,
    });
    expect(result.trust?.outcome).toBe('accepted'); // the registry alone anchors the path
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.code)).toEqual(['ERR_MDOC_CHAIN_PROFILE']);
    expect(result.trust?.mappedClaims).toEqual({});
    expect(JSON.stringify(result)).not.toContain('PAPADOPOULOU');
  });
});

describe('comity verify --trust / --trust-list', () => {
  it('--trust: accepted, with the trust block, exit 0', async () => {
    const { code, json } = await cli([join(dir, 'de-pid.txt'), '--trust', join(dir, 'fr.json'), '--nonce', 'n-fr', '--aud', 'https://rp.example.fr']);
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.trust.outcome).toBe('accepted');
    expect(json.trust.checks.find((c: { code: string }) => c.code === 'TRUST_ISSUER_ANCHORED').result).toBe('pass');
    expect(json.trust.mappedClaims).toBeTypeOf('object');
  });
  it('--trust with a tampered list: rejected, exit 1', async () => {
    const { code, json } = await cli([join(dir, 'de-pid.txt'), '--trust', join(dir, 'fr-tampered.json'), '--nonce', 'n-fr', '--aud', 'https://rp.example.fr']);
    expect(code).toBe(1);
    expect(json.valid).toBe(false);
    expect(json.trust.outcome).toBe('rejected');
    expect(json.trust.checks.some((c: { code: string; result: string }) => c.code === 'TRUST_LIST_SIGNATURE' && c.result === 'fail')).toBe(true);
  });
  it('--trust with a stale list: indeterminate, exit 1', async () => {
    const { code, json } = await cli([join(dir, 'de-pid.txt'), '--trust', join(dir, 'fr-stale.json'), '--nonce', 'n-fr', '--aud', 'https://rp.example.fr']);
    expect(code).toBe(1);
    expect(json.trust.outcome).toBe('indeterminate');
  });
  it('--trust for an mdoc with --handover', async () => {
    const { code, json } = await cli([join(dir, 'gr-mdl.txt'), '--trust', join(dir, 'de.json'), '--handover', JSON.stringify(handover)]);
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.trust.outcome).toBe('accepted');
  });
  it('--trust-list with its pinned signer: the LoTE anchors the PID provider', async () => {
    const { code, json } = await cli([
      join(dir, 'de-pid.txt'),
      '--trust-list',
      join(dir, 'eu-pid-providers.jws'),
      '--trust-list-signer',
      join(dir, 'ec-seal.pem'),
      '--nonce',
      'n-fr',
      '--aud',
      'https://rp.example.fr',
    ]);
    expect(json.errors).toEqual([]);
    expect(code).toBe(0);
    expect(json.trust.outcome).toBe('accepted');
    const wrongSigner = await cli([
      join(dir, 'de-pid.txt'),
      '--trust-list',
      join(dir, 'eu-pid-providers.jws'),
      '--trust-list-signer',
      join(dir, 'fr-registrar.pem'),
    ]);
    expect(wrongSigner.code).toBe(1);
    expect(wrongSigner.json.trust.outcome).toBe('rejected');
    const tampered = await cli([
      join(dir, 'de-pid.txt'),
      '--trust-list',
      join(dir, 'eu-pid-providers.tampered.jws'),
      '--trust-list-signer',
      join(dir, 'ec-seal.pem'),
    ]);
    expect(tampered.code).toBe(1);
  });
  it('comity trust inspect / verify / evaluate', async () => {
    const out: string[] = [];
    expect(
      await main(
        ['trust', 'inspect', join(dir, 'eu-pid-providers.jws')],
        (l) => out.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ kind: 'lote', verified: false });
    const v: string[] = [];
    expect(
      await main(
        ['trust', 'verify', join(dir, 'fr-agreements.jws'), '--signer', join(dir, 'fr-registrar.pem')],
        (l) => v.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(JSON.parse(v.join('\n')).valid).toBe(true);
    expect(
      await main(
        ['trust', 'verify', join(dir, 'fr-agreements.jws'), '--signer', join(dir, 'de-registrar.pem')],
        () => {},
        () => {},
      ),
    ).toBe(1);
    // trust sign: a new agreement list signed with the French registrar's key verifies against its certificate.
    const listFile = join(dir, 'list.json');
    writeFileSync(listFile, JSON.stringify({ type: 'comity-agreement-list', issuer: 'FR', sequence: 9, issued: new Date().toISOString(), agreements: [] }));
    const keyFile = join(dir, 'fr-registrar.jwk');
    writeFileSync(keyFile, JSON.stringify(world.frRegistrar.privateJwk));
    const signed: string[] = [];
    expect(
      await main(
        ['trust', 'sign', listFile, '--key', keyFile, '--cert', join(dir, 'fr-registrar.pem')],
        (l) => signed.push(l),
        () => {},
      ),
    ).toBe(0);
    writeFileSync(join(dir, 'list.jws'), signed.join('\n'));
    const resigned: string[] = [];
    expect(
      await main(
        ['trust', 'verify', join(dir, 'list.jws'), '--signer', join(dir, 'fr-registrar.pem')],
        (l) => resigned.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(JSON.parse(resigned.join('\n')).list.sequence).toBe(9);
    expect(
      await main(
        ['trust', 'sign', join(dir, 'fr.json'), '--key', keyFile],
        () => {},
        () => {},
      ),
    ).toBe(2);
    const description = join(dir, 'credential.json');
    writeFileSync(
      description,
      JSON.stringify({
        format: 'dc+sd-jwt',
        type: 'urn:eudi:pid:de:1',
        issuerCertificates: [derToPem(world.dePidIssuer.cert.der)],
        claims: { given_name: 'ERIKA', family_name: 'MUSTERMANN', birthdate: '1964-08-12' },
      }),
    );
    const e: string[] = [];
    expect(
      await main(
        ['trust', 'evaluate', description, '--trust', join(dir, 'fr.json')],
        (l) => e.push(l),
        () => {},
      ),
    ).toBe(0);
    expect(JSON.parse(e.join('\n')).outcome).toBe('accepted');
  });
});

/**
 * One unavailable or broken national list must not stop every cross-border decision: a failed
 * LOTL-pointed list is scoped to its pointer's territory. Real XAdES-signed lists (TL, LOTL) and
 * JAdES-signed LoTEs and agreement lists; no mocks.
 */
import { type Certificate, derToPem, utf8Encode } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  type AgreementList,
  authenticateRelyingParty,
  createLoTE,
  evaluateTrust,
  loadTrustConfig,
  loadTrustedList,
  type RecognitionAgreement,
  signAgreementList,
  signLoTE,
  type TrustCredential,
  type TrustDecision,
  type TrustRegistry,
} from '../src/index.js';
import { type KeyedCert, makeCa, makeLeaf, makeSigner, NOW, PID_ISSUANCE, PID_LIST, WRPAC_ISSUANCE, WRPAC_LIST } from './helpers.js';
import { lotl, nationalTl, signXml } from './tl-xml.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const DIPLOMA = 'urn:example:diploma:1';
const pem = (c: Certificate) => utf8Encode(derToPem(c.der));
const check = (d: { checks: readonly { code: string; result: string; evidence?: Readonly<Record<string, string>> | undefined }[] }, code: string) =>
  d.checks.find((c) => c.code === code);

function qeaaAgreement(recognised: string): RecognitionAgreement {
  return {
    id: `ra:FR<-${recognised}:qeaa`,
    version: '1.0.0',
    sequence: 1,
    recogniser: { jurisdiction: 'FR' },
    recognised: { jurisdiction: recognised },
    scopes: [{ format: 'dc+sd-jwt', types: [DIPLOMA], category: 'qeaa' }],
    validity: { notBefore: iso(-30 * DAY), notAfter: iso(300 * DAY) },
    status: { state: 'active' },
  };
}

const diploma = (issuer: Certificate): TrustCredential => ({ format: 'dc+sd-jwt', type: DIPLOMA, issuerCertificates: [issuer], claims: { degree: 'MSc' } });

interface World {
  readonly files: Map<string, Uint8Array>;
  readonly lotlSource: Record<string, unknown>;
  readonly config: Record<string, unknown>;
  readonly issuers: Record<'DE' | 'IT' | 'ES', KeyedCert>;
  readonly itSigner: KeyedCert;
  readonly itTl: string;
}

/**
 * A French verifier's configuration: a LOTL pointing to DE, IT and ES lists; DE's list is
 * healthy, IT's is missing, ES's is tampered after signing. FR recognises QEAA from all three.
 */
async function world(): Promise<World> {
  const ojeu = await makeSigner('C=BE, CN=OJEU');
  const fr = await makeSigner('C=FR, CN=FR registrar');
  const signers = {
    DE: await makeSigner('C=DE, CN=DE TL signer'),
    IT: await makeSigner('C=IT, CN=IT TL signer'),
    ES: await makeSigner('C=ES, CN=ES TL signer'),
  };
  const cas = {
    DE: await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA'),
    IT: await makeCa('C=IT, O=InfoCert, CN=IT QEAA CA'),
    ES: await makeCa('C=ES, O=FNMT, CN=ES QEAA CA'),
  };
  const issuers = {
    DE: await makeLeaf('C=DE, O=D-Trust, CN=DE diploma issuer', cas.DE),
    IT: await makeLeaf('C=IT, O=InfoCert, CN=IT diploma issuer', cas.IT),
    ES: await makeLeaf('C=ES, O=FNMT, CN=ES diploma issuer', cas.ES),
  };
  const lotlXml = signXml(
    lotl((['DE', 'IT', 'ES'] as const).map((t) => ({ location: `https://${t.toLowerCase()}.example/tl.xml`, territory: t, signer: signers[t].cert }))),
    ojeu,
  );
  const itTl = signXml(nationalTl('IT', cas.IT.cert), signers.IT);
  // ES's list is altered after signing: its signature no longer verifies.
  const esTampered = signXml(nationalTl('ES', cas.ES.cert), signers.ES).replace('<TSLSequenceNumber>5<', '<TSLSequenceNumber>6<');
  const list: AgreementList = {
    type: 'comity-agreement-list',
    issuer: 'FR',
    sequence: 1,
    issued: iso(-5 * DAY),
    agreements: [qeaaAgreement('DE'), qeaaAgreement('IT'), qeaaAgreement('ES')],
  };
  const files = new Map<string, Uint8Array>([
    ['/cfg/lotl.xml', utf8Encode(lotlXml)],
    ['/cfg/ojeu.pem', pem(ojeu.cert)],
    ['/cfg/de-tl.xml', utf8Encode(signXml(nationalTl('DE', cas.DE.cert), signers.DE))],
    ['/cfg/es-tl.xml', utf8Encode(esTampered)],
    ['/cfg/es.pem', pem(signers.ES.cert)],
    ['/cfg/fr.pem', pem(fr.cert)],
    ['/cfg/agreements.jws', utf8Encode(await signAgreementList(list, fr.signer, [fr.cert]))],
  ]);
  // IT's list is not supplied: unreachable.
  const lotlSource = {
    id: 'eu-lotl',
    kind: 'lotl',
    file: 'lotl.xml',
    signers: ['ojeu.pem'],
    lists: { 'https://de.example/tl.xml': 'de-tl.xml', 'https://es.example/tl.xml': 'es-tl.xml' },
  };
  const config = { verifier: { jurisdiction: 'FR' }, sources: [lotlSource], agreementLists: [{ file: 'agreements.jws', signers: ['fr.pem'] }] };
  return { files, lotlSource, config, issuers, itSigner: signers.IT, itTl };
}

async function load(w: World, config: unknown = w.config): Promise<TrustRegistry> {
  return loadTrustConfig(config, { baseDir: '/cfg', readFile: async (p) => w.files.get(p) ?? Promise.reject(new Error(p)) });
}

const codes = (d: TrustDecision) => d.checks.map((c) => `${c.code}:${c.result}`);

describe('LOTL-pointed list failures are scoped to their territory', () => {
  it('119612-lotl-failure-scoped-healthy-territory-accepted: a DE QEAA is accepted while the IT list is missing and the ES list is tampered', async () => {
    const w = await world();
    const registry = await load(w);
    expect(registry.failures.map((f) => [f.territory, f.code])).toEqual([
      ['IT', 'ERR_TRUST_LIST_MISSING'],
      ['ES', 'ERR_TRUST_LIST_SIGNATURE'],
    ]);
    // The failed lists contributed no anchors: only DE's CA is in the QEAA store.
    expect(registry.anchorCount('qeaa')).toBe(1);
    const d = await evaluateTrust(registry, diploma(w.issuers.DE.cert), { now: NOW });
    expect(d.outcome).toBe('accepted');
    expect(check(d, 'TRUST_ISSUER_ANCHORED')?.result).toBe('pass');
    const sig = check(d, 'TRUST_LIST_SIGNATURE');
    expect(sig?.result).toBe('pass');
    // The failed lists of other territories are named as not consulted.
    expect(sig?.evidence?.notConsulted?.split(' ')).toEqual(['eu-lotl:https://it.example/tl.xml', 'eu-lotl:https://es.example/tl.xml']);
    expect(sig?.evidence?.notConsultedErrors?.split(' ')).toEqual(['ERR_TRUST_LIST_MISSING', 'ERR_TRUST_LIST_SIGNATURE']);
    expect(JSON.stringify(d.checks)).not.toContain('MSc');
  });

  it('119612-lotl-failure-indeterminate-for-its-territory: an issuer of the missing or tampered list is indeterminate with the failure code, not rejected', async () => {
    const w = await world();
    const registry = await load(w);
    const it = await evaluateTrust(registry, diploma(w.issuers.IT.cert), { now: NOW });
    expect(it.outcome).toBe('indeterminate');
    expect(codes(it)).toEqual(['TRUST_LIST_SIGNATURE:unknown', 'TRUST_ISSUER_ANCHORED:unknown']);
    expect(check(it, 'TRUST_LIST_SIGNATURE')?.evidence?.error).toBe('ERR_TRUST_LIST_MISSING');
    expect(check(it, 'TRUST_LIST_SIGNATURE')?.evidence?.territory).toBe('IT');
    expect(check(it, 'TRUST_ISSUER_ANCHORED')?.evidence?.error).toBe('ERR_TRUST_LIST_MISSING');
    expect(it.mappedClaims).toEqual({});
    const es = await evaluateTrust(registry, diploma(w.issuers.ES.cert), { now: NOW });
    expect(es.outcome).toBe('indeterminate');
    expect(check(es, 'TRUST_LIST_SIGNATURE')?.evidence?.error).toBe('ERR_TRUST_LIST_SIGNATURE');
    expect(check(es, 'TRUST_ISSUER_ANCHORED')?.evidence?.error).toBe('ERR_TRUST_LIST_SIGNATURE');
    // Once IT's list loads, the same credential is decided on it: nothing was cached past the failure.
    registry.addSource(await loadTrustedList(w.itTl, [w.itSigner.cert]));
    const later = await evaluateTrust(registry, diploma(w.issuers.IT.cert), { now: NOW });
    expect(later.outcome).toBe('accepted');
    expect(check(later, 'TRUST_ISSUER_ANCHORED')?.result).toBe('pass');
  });

  it('119612-lotl-failure-unscoped-still-fatal: a failed top-level list, a failed LOTL or a failed pointer without territory rejects every decision', async () => {
    const w = await world();
    // Scoped failures alone do not stop the DE decision...
    expect((await evaluateTrust(await load(w), diploma(w.issuers.DE.cert), { now: NOW })).outcome).toBe('accepted');
    const fatal = async (registry: TrustRegistry, error: string) => {
      const d = await evaluateTrust(registry, diploma(w.issuers.DE.cert), { now: NOW });
      expect(d.outcome).toBe('rejected');
      expect(codes(d)).toEqual(['TRUST_LIST_SIGNATURE:fail']);
      expect(check(d, 'TRUST_LIST_SIGNATURE')?.evidence?.error).toBe(error);
    };
    // ...a configured top-level list with a bad signature does (no category: every category).
    const withTopLevel = { ...w.config, sources: [w.lotlSource, { id: 'es-tl', kind: 'trusted-list', file: 'es-tl.xml', signers: ['es.pem'] }] };
    await fatal(await load(w, withTopLevel), 'ERR_TRUST_LIST_SIGNATURE');
    // ...so does a failed LOTL.
    w.files.set(
      '/cfg/bad-lotl.xml',
      utf8Encode(new TextDecoder().decode(w.files.get('/cfg/lotl.xml')).replace('<TSLSequenceNumber>3<', '<TSLSequenceNumber>4<')),
    );
    await fatal(await load(w, { ...w.config, sources: [{ ...w.lotlSource, file: 'bad-lotl.xml' }] }), 'ERR_TRUST_LIST_SIGNATURE');
    // ...and so does a failure that names no territory.
    const unscoped = await load(w);
    unscoped.addFailure({ id: 'other', kind: 'trusted-list', code: 'ERR_TRUST_LIST_MISSING' });
    await fatal(unscoped, 'ERR_TRUST_LIST_MISSING');
  });

  it('119612-lotl-pointer-without-territory-fatal: a missing list is scoped only when its pointer names a territory', async () => {
    const ojeu = await makeSigner('C=BE, CN=OJEU');
    const deSigner = await makeSigner('C=DE, CN=DE TL signer');
    const xxSigner = await makeSigner('C=LU, CN=LU TL signer');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const ca = await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA');
    const issuer = await makeLeaf('C=DE, O=D-Trust, CN=DE diploma issuer', ca);
    const list: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 1, issued: iso(-5 * DAY), agreements: [qeaaAgreement('DE')] };
    const decide = async (otherTerritory: string | undefined) => {
      const lotlXml = signXml(
        lotl([
          { location: 'https://de.example/tl.xml', territory: 'DE', signer: deSigner.cert },
          { location: 'https://lu.example/tl.xml', territory: otherTerritory, signer: xxSigner.cert },
        ]),
        ojeu,
      );
      const files = new Map<string, Uint8Array>([
        ['/cfg/lotl.xml', utf8Encode(lotlXml)],
        ['/cfg/ojeu.pem', pem(ojeu.cert)],
        ['/cfg/de-tl.xml', utf8Encode(signXml(nationalTl('DE', ca.cert), deSigner))],
        ['/cfg/fr.pem', pem(fr.cert)],
        ['/cfg/agreements.jws', utf8Encode(await signAgreementList(list, fr.signer, [fr.cert]))],
      ]);
      // LU's list is not supplied.
      const registry = await loadTrustConfig(
        {
          verifier: { jurisdiction: 'FR' },
          sources: [{ id: 'eu-lotl', kind: 'lotl', file: 'lotl.xml', signers: ['ojeu.pem'], lists: { 'https://de.example/tl.xml': 'de-tl.xml' } }],
          agreementLists: [{ file: 'agreements.jws', signers: ['fr.pem'] }],
        },
        { baseDir: '/cfg', readFile: async (p) => files.get(p) ?? Promise.reject(new Error(p)) },
      );
      expect(registry.failures.map((f) => [f.territory, f.code])).toEqual([[otherTerritory, 'ERR_TRUST_LIST_MISSING']]);
      return evaluateTrust(registry, diploma(issuer.cert), { now: NOW });
    };
    expect((await decide('LU')).outcome).toBe('accepted');
    const unscoped = await decide(undefined);
    expect(unscoped.outcome).toBe('rejected');
    expect(codes(unscoped)).toEqual(['TRUST_LIST_SIGNATURE:fail']);
    expect(check(unscoped, 'TRUST_LIST_SIGNATURE')?.evidence?.error).toBe('ERR_TRUST_LIST_MISSING');
  });

  it("119612-5.3.13-pointer-territory-scoped: a list claiming another country than its pointer adds no anchors and only affects its pointer's territory", async () => {
    const ojeu = await makeSigner('C=BE, CN=OJEU');
    const eeSigner = await makeSigner('C=EE, CN=EE TL signer');
    const deSigner = await makeSigner('C=DE, CN=DE TL signer');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const eeCa = await makeCa('C=DE, O=Forger, CN=Forged DE QEAA CA');
    const deCa = await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA');
    const forgedIssuer = await makeLeaf('C=DE, O=Forger, CN=Issuer under the forged list', eeCa);
    const deIssuer = await makeLeaf('C=DE, O=D-Trust, CN=DE diploma issuer', deCa);
    const lotlXml = signXml(
      lotl([
        { location: 'https://ee.example/tl.xml', territory: 'EE', signer: eeSigner.cert },
        { location: 'https://de.example/tl.xml', territory: 'DE', signer: deSigner.cert },
      ]),
      ojeu,
    );
    const list: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 1, issued: iso(-5 * DAY), agreements: [qeaaAgreement('DE')] };
    const files = new Map<string, Uint8Array>([
      ['/cfg/lotl.xml', utf8Encode(lotlXml)],
      ['/cfg/ojeu.pem', pem(ojeu.cert)],
      // EE's operator signs a list that says it is Germany's.
      ['/cfg/ee-tl.xml', utf8Encode(signXml(nationalTl('DE', eeCa.cert), eeSigner))],
      ['/cfg/de-tl.xml', utf8Encode(signXml(nationalTl('DE', deCa.cert), deSigner))],
      ['/cfg/fr.pem', pem(fr.cert)],
      ['/cfg/agreements.jws', utf8Encode(await signAgreementList(list, fr.signer, [fr.cert]))],
    ]);
    const registry = await loadTrustConfig(
      {
        verifier: { jurisdiction: 'FR' },
        sources: [
          {
            id: 'eu-lotl',
            kind: 'lotl',
            file: 'lotl.xml',
            signers: ['ojeu.pem'],
            lists: { 'https://ee.example/tl.xml': 'ee-tl.xml', 'https://de.example/tl.xml': 'de-tl.xml' },
          },
        ],
        agreementLists: [{ file: 'agreements.jws', signers: ['fr.pem'] }],
      },
      { baseDir: '/cfg', readFile: async (p) => files.get(p) ?? Promise.reject(new Error(p)) },
    );
    expect(registry.failures.map((f) => [f.territory, f.code])).toEqual([['EE', 'ERR_TRUST_LIST_POINTER_MISMATCH']]);
    expect(registry.anchorCount('qeaa')).toBe(1);
    expect((await evaluateTrust(registry, diploma(deIssuer.cert), { now: NOW })).outcome).toBe('accepted');
    // The issuer under the forged list is never accepted: its anchor was not added.
    const forged = await evaluateTrust(registry, diploma(forgedIssuer.cert), { now: NOW });
    expect(forged.outcome).toBe('indeterminate');
    expect(check(forged, 'TRUST_ISSUER_ANCHORED')?.result).toBe('unknown');
    expect(check(forged, 'TRUST_ISSUER_ANCHORED')?.evidence?.error).toBe('ERR_TRUST_LIST_POINTER_MISMATCH');
  });

  it('119612-lotl-failure-other-categories-unaffected: a failed trusted list hides no PID or access-CA anchor', async () => {
    const w = await world();
    const seal = await makeSigner('C=BE, CN=EC seal');
    const pidCa = await makeCa('C=DE, O=BD, CN=DE PID CA');
    const unknownCa = await makeCa('C=DE, O=Nobody, CN=Unlisted PID CA');
    const accessCa = await makeCa('C=DE, O=DT, CN=DE Access CA');
    const rp = await makeLeaf('C=FR, O=Shop, CN=Shop RP', accessCa);
    const lote = (type: string, serviceType: string, ca: Certificate) =>
      createLoTE({
        sequence: 1,
        type,
        operator: 'EC',
        territory: 'EU',
        issued: new Date(NOW.getTime() - DAY),
        nextUpdate: new Date(NOW.getTime() + 100 * DAY),
        entities: [{ name: 'X', country: 'DE', serviceType, certificates: [ca] }],
      });
    w.files.set('/cfg/seal.pem', pem(seal.cert));
    w.files.set('/cfg/pid.jws', utf8Encode(await signLoTE(lote(PID_LIST, PID_ISSUANCE, pidCa.cert), seal.signer, [seal.cert])));
    w.files.set('/cfg/wrpac.jws', utf8Encode(await signLoTE(lote(WRPAC_LIST, WRPAC_ISSUANCE, accessCa.cert), seal.signer, [seal.cert])));
    const registry = await load(w, {
      ...w.config,
      sources: [
        w.lotlSource,
        { id: 'eu-pid', kind: 'lote', file: 'pid.jws', signers: ['seal.pem'] },
        { id: 'eu-wrpac', kind: 'lote', file: 'wrpac.jws', signers: ['seal.pem'] },
      ],
    });
    // A relying party is authenticated although national lists failed.
    const auth = await authenticateRelyingParty(registry, [rp.cert], { now: NOW });
    expect(auth.outcome).toBe('accepted');
    // A PID chain anchored nowhere is rejected as unanchored: a trusted list never holds PID anchors.
    const unlisted = await makeLeaf('C=IT, O=Nobody, CN=Unlisted PID issuer', unknownCa);
    const d = await evaluateTrust(registry, { format: 'dc+sd-jwt', type: 'urn:eudi:pid:it:1', issuerCertificates: [unlisted.cert], claims: {} }, { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(check(d, 'TRUST_LIST_SIGNATURE')?.result).toBe('pass');
    expect(check(d, 'TRUST_ISSUER_ANCHORED')?.evidence?.error).toBe('ERR_X509_CHAIN_UNANCHORED');
  });
});

import { deflateSync } from 'node:zlib';
import { base64urlEncode, type Certificate, ComityError, createCertificate, defaultCrypto, KeyUsage, signCompactJws } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  type AgreementList,
  authenticateRelyingParty,
  createLoTE,
  evaluateTrust,
  loadListOfTheLists,
  loadLoTE,
  loadTrustedList,
  type RecognitionAgreement,
  signAgreementList,
  signLoTE,
  type TrustCredential,
  TrustRegistry,
  verifyAgreementList,
  verifyStatusListJwt,
  x509AnchorSource,
} from '../src/index.js';
import {
  code,
  type KeyedCert,
  makeCa,
  makeLeaf,
  makeSigner,
  NOT_AFTER,
  NOW,
  PID_ISSUANCE,
  PID_LIST,
  pidAgreement,
  result,
  WRPAC_ISSUANCE,
  WRPAC_LIST,
} from './helpers.js';
import { lotl, nationalTl, signXml } from './tl-xml.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
const b64 = (c: Certificate) => Buffer.from(c.der).toString('base64');

const agreement = (over: Partial<RecognitionAgreement> = {}): RecognitionAgreement => pidAgreement({}, over);

async function agreementList(signer: KeyedCert, agreements: RecognitionAgreement[], over: Partial<AgreementList> = {}) {
  const list: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 1, issued: iso(-5 * DAY), agreements, ...over };
  return verifyAgreementList(await signAgreementList(list, signer.signer, [signer.cert]), [signer.cert]);
}

const pid = (issuer: Certificate, extra: Partial<TrustCredential> = {}): TrustCredential => ({
  format: 'dc+sd-jwt',
  type: 'urn:eudi:pid:de:1',
  issuerCertificates: [issuer],
  claims: { family_name: 'X' },
  ...extra,
});

// ---------- TS 119 612 XML builders (enveloped ECDSA signature, as xml-crypto produces it) ----------

/** The EU PID LoTE listing `ca` as a German PID provider: issued 30 days ago, next update in 100 days. */
function euPidLote(ca: Certificate): ReturnType<typeof createLoTE> {
  return createLoTE({
    sequence: 1,
    type: PID_LIST,
    operator: 'EC',
    territory: 'EU',
    issued: new Date(NOW.getTime() - 30 * DAY),
    nextUpdate: new Date(NOW.getTime() + 100 * DAY),
    entities: [{ name: 'BD', country: 'DE', serviceType: PID_ISSUANCE, certificates: [ca] }],
  });
}

/** The usual cast: the EU list sealer, the French registrar, a German PID CA and an issuer under it. */
async function dePidParties(): Promise<{ seal: KeyedCert; fr: KeyedCert; ca: KeyedCert; issuer: KeyedCert }> {
  const seal = await makeSigner('C=BE, CN=EC seal');
  const fr = await makeSigner('C=FR, CN=FR registrar');
  const ca = await makeCa('C=DE, O=BD, CN=DE PID CA');
  const issuer = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer', ca);
  return { seal, fr, ca, issuer };
}

/** A registry of the French verifier holding `lote`, sealed by `seal` and loaded with its signature checked. */
async function frRegistry(lote: ReturnType<typeof createLoTE>, seal: KeyedCert): Promise<TrustRegistry> {
  const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
  registry.addSource(await loadLoTE(await signLoTE(lote, seal.signer, [seal.cert]), [seal.cert], { id: 'eu-pid' }));
  return registry;
}

describe('review: LOTL pointers', () => {
  it('119612-5.3.13-pointer-territory: a national list claiming another territory than its LOTL pointer is refused', async () => {
    const ojeu = await makeSigner('C=BE, CN=OJEU');
    const eeSigner = await makeSigner('C=EE, CN=EE TL signer');
    const deSigner = await makeSigner('C=DE, CN=DE TL signer');
    const eeCa = await makeCa('C=EE, O=SK, CN=EE QEAA CA');
    const deCa = await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA');
    const lotlXml = signXml(
      lotl([
        { location: 'https://ee.example/tl.xml', territory: 'EE', signer: eeSigner.cert },
        { location: 'https://de.example/tl.xml', territory: 'DE', signer: deSigner.cert },
      ]),
      ojeu,
    );
    // EE's list operator signs a list that says it is Germany's (SchemeTerritory DE).
    const r = await loadListOfTheLists(lotlXml, [ojeu.cert], {
      'https://ee.example/tl.xml': signXml(nationalTl('DE', eeCa.cert), eeSigner),
      'https://de.example/tl.xml': signXml(nationalTl('DE', deCa.cert), deSigner),
    });
    expect(r.failures).toEqual([{ location: 'https://ee.example/tl.xml', territory: 'EE', code: 'ERR_TRUST_LIST_POINTER_MISMATCH' }]);
    expect(r.lists.map((l) => l.territory)).toEqual(['DE']);
    expect(r.lists[0]?.anchors.map((a) => a.thumbprint)).toEqual([deCa.cert.sha256]);
  });
});

describe('review: LOTL pointers that are not national XML lists', () => {
  it('119612-5.3.13-pointer-kinds: the PDF rendering of a list and the LOTL pointing to itself are not followed, so never missing', async () => {
    const ojeu = await makeSigner('C=BE, CN=OJEU');
    const deSigner = await makeSigner('C=DE, CN=DE TL signer');
    const deCa = await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA');
    // The EU LOTL's shape: itself first, then each country as XML and as PDF.
    const lotlXml = signXml(
      lotl([
        { location: 'https://eu.example/eu-lotl.xml', territory: 'EU', signer: ojeu.cert, mimeType: 'application/vnd.etsi.tsl+xml', lotlType: true },
        { location: 'https://de.example/tl.xml', territory: 'DE', signer: deSigner.cert, mimeType: 'application/vnd.etsi.tsl+xml' },
        { location: 'https://de.example/tl.pdf', territory: 'DE', signer: deSigner.cert, mimeType: 'application/pdf' },
        { location: 'https://fr.example/tl.xml', territory: 'FR', signer: deSigner.cert, mimeType: 'application/vnd.etsi.tsl+xml' },
      ]),
      ojeu,
    );
    const r = await loadListOfTheLists(lotlXml, [ojeu.cert], { 'https://de.example/tl.xml': signXml(nationalTl('DE', deCa.cert), deSigner) });
    // Only France's XML list is missing: the PDF and the self-pointer were never lists to load.
    expect(r.failures).toEqual([{ location: 'https://fr.example/tl.xml', territory: 'FR', code: 'ERR_TRUST_LIST_MISSING' }]);
    expect(r.lists.map((l) => l.territory)).toEqual(['DE']);
  });
});

describe('review: decision cache', () => {
  it('decision-cache-time-dependent-anchoring-failure: a chain refused as not yet valid is accepted once it is valid', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const ca = await makeCa('C=DE, O=BD, CN=DE PID CA');
    // A leaf valid only from NOW - 1 day.
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const leaf = await createCertificate({
      subject: 'C=DE, O=BD, CN=DE PID Issuer',
      publicJwk,
      issuer: ca.cert,
      signingKey: ca.privateJwk,
      notBefore: new Date(NOW.getTime() - DAY),
      notAfter: NOT_AFTER,
      keyUsage: KeyUsage.digitalSignature,
    });
    void privateJwk;
    const registry = await frRegistry(euPidLote(ca.cert), seal);
    registry.addAgreementList(await agreementList(fr, [agreement()]));
    const early = await evaluateTrust(registry, pid(leaf), { now: new Date(NOW.getTime() - 2 * DAY) });
    expect(early.outcome).toBe('rejected');
    expect(result(early, 'TRUST_ISSUER_ANCHORED')).toBe('fail');
    const later = await evaluateTrust(registry, pid(leaf), { now: NOW });
    expect(result(later, 'TRUST_ISSUER_ANCHORED')).toBe('pass');
    expect(later.outcome).toBe('accepted');
  });
});

async function statusListToken(signer: KeyedCert, uri: string, iat: number, bits: Uint8Array): Promise<string> {
  return signCompactJws(
    { typ: 'statuslist+jwt', x5c: [b64(signer.cert)] },
    { sub: uri, iat: Math.floor(iat / 1000), status_list: { bits: 1, lst: base64urlEncode(new Uint8Array(deflateSync(bits))) } },
    signer.signer,
  );
}

describe('review: agreement status lists', () => {
  it('status-list-no-regression: an older status list does not replace a newer one (no un-suspension by replay)', async () => {
    const { seal, fr, ca, issuer } = await dePidParties();
    const uri = 'https://fr.example/agreements/status';
    const registry = await frRegistry(euPidLote(ca.cert), seal);
    registry.addAgreementList(await agreementList(fr, [agreement({ status: { state: 'active', statusList: { uri, idx: 0 } } })]));
    const active = await statusListToken(fr, uri, NOW.getTime() - 10 * DAY, new Uint8Array([0]));
    const suspended = await statusListToken(fr, uri, NOW.getTime() - DAY, new Uint8Array([1]));
    registry.addStatusList(await verifyStatusListJwt(suspended, [fr.cert]));
    expect(result(await evaluateTrust(registry, pid(issuer.cert), { now: NOW }), 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
    // Replaying the older token must not lift the suspension.
    const older = await verifyStatusListJwt(active, [fr.cert]);
    let refused = 'NO_ERROR';
    try {
      registry.addStatusList(older);
    } catch (e) {
      refused = e instanceof ComityError ? e.code : 'OTHER';
    }
    expect(refused).toBe('ERR_TRUST_SEQUENCE_REGRESSION');
    const d = await evaluateTrust(registry, pid(issuer.cert), { now: NOW });
    expect(result(d, 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
    expect(d.outcome).toBe('rejected');
  });
});

describe('review: recognised jurisdiction', () => {
  it('jurisdiction-from-anchor-not-leaf: an issuer under a jurisdiction-less anchor cannot pick its jurisdiction by its own C', async () => {
    const fr = await makeSigner('C=FR, CN=FR registrar');
    // A configured PID bundle whose CA names no country and whose configuration names none.
    const ca = await makeCa('O=Multi-national PID Operator, CN=PID Root');
    const leafClaimingDe = await makeLeaf('C=DE, O=Anyone, CN=Issuer claiming DE', ca);
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
    registry.addSource(await x509AnchorSource([ca.cert], { id: 'pid-bundle', category: 'pid' }));
    registry.addAgreementList(await agreementList(fr, [agreement()]));
    const d = await evaluateTrust(registry, pid(leafClaimingDe.cert), { now: NOW });
    expect(result(d, 'TRUST_ISSUER_ANCHORED')).toBe('pass');
    expect(result(d, 'TRUST_AGREEMENT_FOUND')).toBe('fail');
    expect(d.outcome).toBe('rejected');
    // With the jurisdiction configured on the bundle, the same issuer is recognised.
    const configured = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
    configured.addSource(await x509AnchorSource([ca.cert], { id: 'pid-bundle', category: 'pid', jurisdiction: 'DE' }));
    configured.addAgreementList(await agreementList(fr, [agreement()]));
    expect((await evaluateTrust(configured, pid(leafClaimingDe.cert), { now: NOW })).outcome).toBe('accepted');
  });
});

describe('review: LoTE categories', () => {
  it('119602-D-F-category-of-list: a PID issuance service listed in a WRPAC providers list anchors no PID issuer', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const ca = await makeCa('C=DE, O=DT, CN=DE CA listed as WRPAC provider');
    const issuer = await makeLeaf('C=DE, O=DT, CN=Issuer', ca);
    const wrpac = createLoTE({
      sequence: 1,
      type: WRPAC_LIST,
      operator: 'EC',
      territory: 'EU',
      issued: new Date(NOW.getTime() - DAY),
      nextUpdate: new Date(NOW.getTime() + 100 * DAY),
      entities: [
        { name: 'DT', country: 'DE', serviceType: PID_ISSUANCE, certificates: [ca.cert] },
        { name: 'DT', country: 'DE', serviceType: WRPAC_ISSUANCE, certificates: [ca.cert] },
      ],
    });
    const source = await loadLoTE(await signLoTE(wrpac, seal.signer, [seal.cert]), [seal.cert], { id: 'eu-wrpac' });
    expect(source.anchors.map((a) => a.category)).toEqual(['access-ca']);
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
    registry.addSource(source);
    registry.addAgreementList(await agreementList(fr, [agreement()]));
    const d = await evaluateTrust(registry, pid(issuer.cert), { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(result(d, 'TRUST_ISSUER_ANCHORED')).toBe('fail');
    expect(result(d, 'TRUST_CATEGORY_MATCH')).toBe('fail');
  });

  it('119602-category-of-configured-list: a list configured as eaa cannot put anchors in the pid store', async () => {
    const operator = await makeSigner('C=DE, CN=national EAA scheme operator');
    const ca = await makeCa('C=DE, O=EAA, CN=DE EAA CA');
    const national = createLoTE({
      sequence: 1,
      type: 'http://example.org/LoTEType/NationalEAAProviders',
      operator: 'DE',
      territory: 'DE',
      issued: new Date(NOW.getTime() - DAY),
      nextUpdate: new Date(NOW.getTime() + 100 * DAY),
      entities: [{ name: 'EAA', country: 'DE', serviceType: PID_ISSUANCE, certificates: [ca.cert] }],
    });
    const source = await loadLoTE(await signLoTE(national, operator.signer, [operator.cert]), [operator.cert], { id: 'de-eaa', category: 'eaa' });
    expect(source.anchors).toEqual([]);
  });
});

describe('review: agreement list signer', () => {
  it("agreement-list-issuer-bound-to-signer: a foreign registrar cannot publish the verifier's agreement list", async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const deRegistrar = await makeSigner('C=DE, CN=DE registrar');
    const ca = await makeCa('C=DE, O=BD, CN=DE PID CA');
    const issuer = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer', ca);
    const lote = euPidLote(ca.cert);
    const registry = await frRegistry(lote, seal);
    // DE's registrar, pinned for DE's own list, signs a list that says it is FR's.
    const forged: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 99, issued: iso(-5 * DAY), agreements: [agreement()] };
    const jws = await signAgreementList(forged, deRegistrar.signer, [deRegistrar.cert]);
    expect(await code(verifyAgreementList(jws, [deRegistrar.cert]))).toBe('ERR_TRUST_AGREEMENT_LIST_ISSUER');
    // The same through a community list: recogniser FR inside a list issued by a community.
    const community: AgreementList = {
      type: 'comity-agreement-list',
      issuer: 'fr-banks',
      sequence: 1,
      issued: iso(-5 * DAY),
      agreements: [agreement({ recogniser: { jurisdiction: 'FR', community: 'fr-banks' } })],
    };
    const cjws = await signAgreementList(community, deRegistrar.signer, [deRegistrar.cert]);
    expect(await code(verifyAgreementList(cjws, [deRegistrar.cert]))).toBe('ERR_TRUST_AGREEMENT_LIST_ISSUER');
    // FR's own registrar signing the same list is fine, and the PID is then accepted.
    const frRegistrar = await makeSigner('C=FR, CN=FR registrar');
    registry.addAgreementList(await verifyAgreementList(await signAgreementList(forged, frRegistrar.signer, [frRegistrar.cert]), [frRegistrar.cert]));
    expect((await evaluateTrust(registry, pid(issuer.cert), { now: NOW })).outcome).toBe('accepted');
  });
});

describe('review: closed lists', () => {
  it('119612-5.3.15-closed-list-not-fresh: a TL with an empty NextUpdate is never fresh', async () => {
    const deSigner = await makeSigner('C=DE, CN=DE TL signer');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const ca = await makeCa('C=DE, O=D-Trust, CN=DE QEAA CA');
    const issuer = await makeLeaf('C=DE, O=D-Trust, CN=QEAA Issuer', ca);
    const qeaa = agreement({ id: 'ra:FR<-DE:qeaa', scopes: [{ format: 'dc+sd-jwt', types: ['urn:example:diploma:1'], category: 'qeaa' }] });
    const cred = pid(issuer.cert, { type: 'urn:example:diploma:1' });
    const decide = async (closed: boolean, onStaleSource?: 'reject') => {
      const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' }, policy: { onStaleSource } });
      registry.addSource(await loadTrustedList(signXml(nationalTl('DE', ca.cert, closed), deSigner), [deSigner.cert], { id: 'de-tl' }));
      registry.addAgreementList(await agreementList(fr, [qeaa]));
      return evaluateTrust(registry, cred, { now: NOW });
    };
    expect((await decide(false)).outcome).toBe('accepted');
    const closed = await decide(true);
    expect(result(closed, 'TRUST_LIST_FRESH')).toBe('unknown');
    expect(closed.outcome).toBe('indeterminate');
    expect(result(await decide(true, 'reject'), 'TRUST_LIST_FRESH')).toBe('fail');
  });

  it('119602-6.3.15-lote-without-next-update-not-fresh: a LoTE without NextUpdate is never fresh', async () => {
    const { seal, fr, ca, issuer } = await dePidParties();
    const lote = euPidLote(ca.cert) as { LoTE: { ListAndSchemeInformation: Record<string, unknown> } };
    delete lote.LoTE.ListAndSchemeInformation.NextUpdate;
    const registry = await frRegistry(lote, seal);
    registry.addAgreementList(await agreementList(fr, [agreement()]));
    const d = await evaluateTrust(registry, pid(issuer.cert), { now: NOW });
    expect(result(d, 'TRUST_LIST_FRESH')).toBe('unknown');
    expect(d.outcome).toBe('indeterminate');
  });
});

describe('review: status list signer', () => {
  it("status-list-bound-to-agreement-list-signer: another registrar's status list cannot lift a suspension", async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const de = await makeSigner('C=DE, CN=DE registrar');
    const ca = await makeCa('C=DE, O=BD, CN=DE PID CA');
    const issuer = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer', ca);
    const uri = 'https://fr.example/agreements/status';
    const lote = euPidLote(ca.cert);
    const build = async () => {
      const registry = await frRegistry(lote, seal);
      registry.addAgreementList(await agreementList(fr, [agreement({ status: { state: 'active', statusList: { uri, idx: 0 } } })]));
      return registry;
    };
    // FR suspends its agreement; DE's registrar (pinned for DE's own status list) publishes a newer "active" list under FR's URI.
    const frSuspends = await verifyStatusListJwt(await statusListToken(fr, uri, NOW.getTime() - 2 * DAY, new Uint8Array([1])), [fr.cert]);
    const deSaysActive = await verifyStatusListJwt(await statusListToken(de, uri, NOW.getTime() - DAY, new Uint8Array([0])), [de.cert]);
    const both = await build();
    both.addStatusList(frSuspends);
    both.addStatusList(deSaysActive);
    const d = await evaluateTrust(both, pid(issuer.cert), { now: NOW });
    expect(result(d, 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
    expect(d.outcome).toBe('rejected');
    // DE's list alone says nothing about FR's agreement.
    const only = await build();
    only.addStatusList(deSaysActive);
    const d2 = await evaluateTrust(only, pid(issuer.cert), { now: NOW });
    expect(result(d2, 'TRUST_AGREEMENT_ACTIVE')).toBe('unknown');
    expect(d2.outcome).toBe('indeterminate');
  });
});

describe('review: service status', () => {
  it('119602-6.6.4-undated-current-status: a withdrawn current status without starting time is not overridden by a granted history entry', async () => {
    const { seal, fr, ca, issuer } = await dePidParties();
    const withdrawn = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/withdrawn';
    const notified = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/notified';
    const lote = createLoTE({
      sequence: 1,
      type: PID_LIST,
      operator: 'EC',
      territory: 'EU',
      issued: new Date(NOW.getTime() - 30 * DAY),
      nextUpdate: new Date(NOW.getTime() + 100 * DAY),
      entities: [
        {
          name: 'BD',
          country: 'DE',
          serviceType: PID_ISSUANCE,
          certificates: [ca.cert],
          status: withdrawn,
          history: [{ status: notified, start: iso(-400 * DAY) }],
        },
      ],
    }) as { LoTE: { TrustedEntitiesList: { TrustedEntityServices: { ServiceInformation: Record<string, unknown> }[] }[] } };
    // The current status carries no StatusStartingTime (both are optional in the TS 119 602 schemas).
    delete lote.LoTE.TrustedEntitiesList[0]?.TrustedEntityServices[0]?.ServiceInformation.StatusStartingTime;
    const registry = await frRegistry(lote, seal);
    registry.addAgreementList(await agreementList(fr, [agreement()]));
    const now = await evaluateTrust(registry, pid(issuer.cert), { now: NOW });
    expect(result(now, 'TRUST_SERVICE_STATUS')).toBe('fail');
    expect(now.outcome).toBe('rejected');
    const signedYesterday = await evaluateTrust(registry, pid(issuer.cert, { signedAt: new Date(NOW.getTime() - DAY) }), { now: NOW });
    expect(result(signedYesterday, 'TRUST_SERVICE_STATUS')).toBe('fail');
  });
});

describe('review: relying party authentication', () => {
  it('119602-F-withdrawn-access-ca: an access CA whose listed service is withdrawn authenticates no relying party', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const accessCa = await makeCa('C=DE, O=DT, CN=DE Access CA');
    const rp = await makeLeaf('C=FR, O=Shop, CN=Shop RP', accessCa);
    const registryWith = async (status?: string) => {
      const wrpac = createLoTE({
        sequence: 1,
        type: WRPAC_LIST,
        operator: 'EC',
        territory: 'EU',
        issued: new Date(NOW.getTime() - DAY),
        nextUpdate: new Date(NOW.getTime() + 100 * DAY),
        entities: [{ name: 'DT', country: 'DE', serviceType: WRPAC_ISSUANCE, certificates: [accessCa.cert], status, statusStartingTime: iso(-10 * DAY) }],
      });
      const registry = new TrustRegistry();
      registry.addSource(await loadLoTE(await signLoTE(wrpac, seal.signer, [seal.cert]), [seal.cert], { id: 'eu-wrpac' }));
      return registry;
    };
    expect((await authenticateRelyingParty(await registryWith(), [rp.cert], { now: NOW })).outcome).toBe('accepted');
    const withdrawn = await authenticateRelyingParty(await registryWith('http://uri.etsi.org/19602/WRPACProvidersList/SvcStatus/withdrawn'), [rp.cert], {
      now: NOW,
    });
    expect(result(withdrawn, 'TRUST_SERVICE_STATUS')).toBe('fail');
    expect(withdrawn.outcome).toBe('rejected');
  });
});

import { deflateSync } from 'node:zlib';
import { base64urlEncode, ComityError, signCompactJws } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  type AgreementList,
  createLoTE,
  evaluateTrust,
  loadLoTE,
  type RecognitionAgreement,
  signAgreementList,
  signLoTE,
  summariseDecision,
  type TrustCredential,
  type TrustPolicy,
  TrustRegistry,
  verifyAgreementList,
  verifyStatusListJwt,
} from '../src/index.js';
import {
  type KeyedCert,
  makeCa,
  makeLeaf,
  makeSigner,
  NOW,
  PID_ISSUANCE,
  PID_LIST,
  pidAgreement,
  pidListSource,
  result,
  signedAgreementList,
  WRPAC_ISSUANCE,
  WRPAC_LIST,
} from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

function agreement(over: Partial<RecognitionAgreement> = {}): RecognitionAgreement {
  return pidAgreement(
    {
      minLoA: 'substantial',
      mapping: {
        targetSchema: 'fr',
        rules: [
          { from: ['family_name'], to: ['nom'], required: true },
          { from: ['birthdate'], to: ['naissance'], transform: 'date-iso' },
        ],
      },
    },
    over,
  );
}

interface Fixture {
  registry: TrustRegistry;
  deCa: KeyedCert;
  deIssuer: KeyedCert;
  accessCa: KeyedCert;
  seal: KeyedCert;
  frRegistrar: KeyedCert;
}

async function fixture(
  agreements: RecognitionAgreement[],
  opts: { history?: { status: string; start: string }[]; status?: string; listIssued?: number; policy?: TrustPolicy } = {},
): Promise<Fixture> {
  const seal = await makeSigner('C=BE, CN=EC seal');
  const deCa = await makeCa('C=DE, O=BD, CN=DE PID CA');
  const deIssuer = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer', deCa);
  const accessCa = await makeCa('C=DE, O=DT, CN=DE Access CA');
  const frRegistrar = await makeSigner('C=FR, CN=FR registrar');
  const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' }, policy: opts.policy });
  const pid = createLoTE({
    sequence: 3,
    type: PID_LIST,
    operator: 'EC',
    territory: 'EU',
    issued: new Date(NOW.getTime() - DAY),
    nextUpdate: new Date(NOW.getTime() + 100 * DAY),
    entities: [
      {
        name: 'BD',
        country: 'DE',
        serviceType: PID_ISSUANCE,
        certificates: [deCa.cert],
        status: opts.status,
        statusStartingTime: opts.history?.[0] ? iso(-10 * DAY) : undefined,
        history: opts.history,
      },
    ],
  });
  registry.addSource(await loadLoTE(await signLoTE(pid, seal.signer, [seal.cert]), [seal.cert], { id: 'eu-pid', loa: 'high' }));
  const wrpac = createLoTE({
    sequence: 1,
    type: WRPAC_LIST,
    operator: 'EC',
    territory: 'EU',
    issued: NOW,
    nextUpdate: new Date(NOW.getTime() + 100 * DAY),
    entities: [{ name: 'DT', country: 'DE', serviceType: WRPAC_ISSUANCE, certificates: [accessCa.cert] }],
  });
  registry.addSource(await loadLoTE(await signLoTE(wrpac, seal.signer, [seal.cert]), [seal.cert], { id: 'eu-wrpac' }));
  const list: AgreementList = {
    type: 'comity-agreement-list',
    issuer: 'FR',
    sequence: 2,
    issued: new Date(NOW.getTime() + (opts.listIssued ?? -5 * DAY)).toISOString(),
    agreements,
  };
  registry.addAgreementList(await verifyAgreementList(await signAgreementList(list, frRegistrar.signer, [frRegistrar.cert]), [frRegistrar.cert]));
  return { registry, deCa, deIssuer, accessCa, seal, frRegistrar };
}

const pid = (issuer: KeyedCert, extra: Partial<TrustCredential> = {}): TrustCredential => ({
  format: 'dc+sd-jwt',
  type: 'urn:eudi:pid:de:1',
  issuerCertificates: [issuer.cert],
  claims: { vct: 'urn:eudi:pid:de:1', family_name: 'MUSTERMANN', birthdate: '12.08.1964', address: { locality: 'KÖLN' } },
  ...extra,
});

describe('evaluateTrust', () => {
  it('accepts, maps and reports evidence', async () => {
    const f = await fixture([agreement()]);
    const d = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(d.outcome).toBe('accepted');
    expect(d.mappedClaims).toEqual({ nom: 'MUSTERMANN', naissance: '1964-08-12' });
    expect(d.droppedClaims).toEqual([['address', 'locality']]);
    expect(d.anchor?.thumbprint).toBe(f.deCa.cert.sha256);
    expect(d.agreementList?.issuer).toBe('FR');
    const summary = summariseDecision(d);
    expect(summary.outcome).toBe('accepted');
    expect(summary.checks.every((c) => Object.keys(c).join() === 'code,result')).toBe(true);
    // the cached second decision is identical in substance
    const again = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(again.checks).toEqual(d.checks);
  });

  it('decision-cache-keys-on-every-input: a cached decision is never reused for another profile, format, LoA or chain', async () => {
    const f = await fixture([agreement({ recogniser: { jurisdiction: 'FR', community: 'banks' } })]);
    const banks = { now: NOW, verifier: { jurisdiction: 'FR', community: 'banks' } };
    const accepted = async (credential: TrustCredential, options: Parameters<typeof evaluateTrust>[2]) =>
      (await evaluateTrust(f.registry, credential, options)).outcome;
    // Each pair: the accepted decision first (now cached), then one input changed.
    expect(await accepted(pid(f.deIssuer), banks)).toBe('accepted');
    expect(await accepted(pid(f.deIssuer), { now: NOW, verifier: { jurisdiction: 'FR' } })).not.toBe('accepted');
    expect(await accepted(pid(f.deIssuer), banks)).toBe('accepted');
    expect(await accepted(pid(f.deIssuer), { now: NOW, verifier: { jurisdiction: 'IT', community: 'banks' } })).not.toBe('accepted');
    expect(await accepted(pid(f.deIssuer), banks)).toBe('accepted');
    expect(await accepted(pid(f.deIssuer, { format: 'mso_mdoc' }), banks)).not.toBe('accepted');
    expect(await accepted(pid(f.deIssuer), banks)).toBe('accepted');
    expect(await accepted(pid(f.deIssuer, { loa: 'low' }), banks)).not.toBe('accepted');
    expect(await accepted(pid(f.deIssuer), banks)).toBe('accepted');
    // A leaf under an intermediate: accepted with the intermediate presented, never without it.
    const intermediate = await makeCa('C=DE, O=BD, CN=DE PID Sub-CA', f.deCa);
    const leaf = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer 2', intermediate);
    expect(await accepted(pid(leaf, { issuerCertificates: [leaf.cert, intermediate.cert] }), banks)).toBe('accepted');
    expect(await accepted(pid(leaf), banks)).not.toBe('accepted');
  });

  it('agreement-state-suspended', async () => {
    const f = await fixture([
      agreement({
        status: {
          state: 'suspended',
          since: iso(-DAY),
          reason: [
            { lang: 'en', value: 'audit' },
            { lang: 'fr', value: 'audit' },
          ],
        },
      }),
    ]);
    const d = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(result(d, 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
    expect(d.mappedClaims).toEqual({});
  });

  it('agreement-terminated', async () => {
    const f = await fixture([agreement({ status: { state: 'terminated' } })]);
    expect(result(await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW }), 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
  });

  it('agreement-status-list-missing-is-indeterminate-then-suspended', async () => {
    const uri = 'https://fr.example/status';
    const f = await fixture([agreement({ status: { state: 'active', statusList: { uri, idx: 3 } } })]);
    const d1 = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(d1.outcome).toBe('indeterminate');
    expect(result(d1, 'TRUST_AGREEMENT_ACTIVE')).toBe('unknown');
    const bytes = new Uint8Array([0b00000000, 0b00000000]); // bits 1: idx 3 ... set below
    bytes[0] = 1 << 3;
    const token = await signCompactJws(
      { typ: 'statuslist+jwt', x5c: [Buffer.from(f.frRegistrar.cert.der).toString('base64')] },
      { sub: uri, iat: Math.floor(NOW.getTime() / 1000), status_list: { bits: 1, lst: base64urlEncode(new Uint8Array(deflateSync(bytes))) } },
      f.frRegistrar.signer,
    );
    f.registry.addStatusList(await verifyStatusListJwt(token, [f.frRegistrar.cert]));
    const d2 = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(d2.outcome).toBe('rejected');
    expect(result(d2, 'TRUST_AGREEMENT_ACTIVE')).toBe('fail');
    const other = await makeSigner('C=FR, CN=other');
    await expect(verifyStatusListJwt(token, [other.cert])).rejects.toMatchObject({ code: 'ERR_TRUST_SIGNER_NOT_PINNED' });
  });

  it('agreement-change-lead-time', async () => {
    // Published one hour ago with a 48 h lead time: not in force yet.
    const f = await fixture([agreement({ validity: { notBefore: iso(-30 * DAY), notAfter: iso(300 * DAY), changeLeadTime: 'PT48H' } })], {
      listIssued: -3600_000,
    });
    const d = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(result(d, 'TRUST_AGREEMENT_VALID')).toBe('fail');
    const later = await evaluateTrust(f.registry, pid(f.deIssuer), { now: new Date(NOW.getTime() + 3 * DAY) });
    expect(result(later, 'TRUST_AGREEMENT_VALID')).toBe('pass');
  });

  it('agreement-expired', async () => {
    const f = await fixture([agreement()]);
    const d = await evaluateTrust(f.registry, pid(f.deIssuer), { now: new Date(NOW.getTime() + 301 * DAY) });
    expect(result(d, 'TRUST_AGREEMENT_VALID')).toBe('fail');
  });

  it('loa-at-least-semantics', async () => {
    const f = await fixture([agreement()]);
    expect(result(await evaluateTrust(f.registry, pid(f.deIssuer, { loa: 'high' }), { now: NOW }), 'TRUST_LOA_SUFFICIENT')).toBe('pass');
    expect(result(await evaluateTrust(f.registry, pid(f.deIssuer, { loa: 'substantial' }), { now: NOW }), 'TRUST_LOA_SUFFICIENT')).toBe('pass');
    expect(result(await evaluateTrust(f.registry, pid(f.deIssuer, { loa: 'low' }), { now: NOW }), 'TRUST_LOA_SUFFICIENT')).toBe('fail');
  });

  it('119612-service-history-status-at-signing-time', async () => {
    const withdrawn = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/withdrawn';
    const notified = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/notified';
    const f = await fixture([agreement()], { status: withdrawn, history: [{ status: notified, start: iso(-400 * DAY) }] });
    const before = await evaluateTrust(f.registry, pid(f.deIssuer, { signedAt: new Date(NOW.getTime() - 20 * DAY) }), { now: NOW });
    expect(result(before, 'TRUST_SERVICE_STATUS')).toBe('pass');
    const after = await evaluateTrust(f.registry, pid(f.deIssuer, { signedAt: new Date(NOW.getTime() - DAY) }), { now: NOW });
    expect(result(after, 'TRUST_SERVICE_STATUS')).toBe('fail');
    expect(after.outcome).toBe('rejected');
  });

  it('119612-service-status-at-evaluation-time: the policy judges the service now, so a backdated signedAt does not pass a withdrawal', async () => {
    const withdrawn = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/withdrawn';
    const notified = 'http://uri.etsi.org/19602/PubEAAProvidersList/SvcStatus/notified';
    const history = [{ status: notified, start: iso(-400 * DAY) }];
    // Withdrawn ten days ago; the credential says it was signed twenty days ago.
    const backdated = (f: Awaited<ReturnType<typeof fixture>>) => pid(f.deIssuer, { signedAt: new Date(NOW.getTime() - 20 * DAY) });
    const strict = await fixture([agreement()], { status: withdrawn, history, policy: { serviceStatusAt: 'evaluation-time' } });
    const d = await evaluateTrust(strict.registry, backdated(strict), { now: NOW });
    expect(result(d, 'TRUST_SERVICE_STATUS')).toBe('fail');
    expect(d.outcome).toBe('rejected');
    const byDefault = await fixture([agreement()], { status: withdrawn, history });
    expect(result(await evaluateTrust(byDefault.registry, backdated(byDefault), { now: NOW }), 'TRUST_SERVICE_STATUS')).toBe('pass');
    // Judged now, a granted service with an old signedAt still passes.
    const granted = await fixture([agreement()], { status: notified, history, policy: { serviceStatusAt: 'evaluation-time' } });
    expect(result(await evaluateTrust(granted.registry, backdated(granted), { now: NOW }), 'TRUST_SERVICE_STATUS')).toBe('pass');
    // A misspelt policy is a usage error, not the weaker default.
    expect(() => new TrustRegistry({ policy: { serviceStatusAt: 'evaluation_time' as never } })).toThrow(
      expect.objectContaining({ code: 'ERR_USAGE_TRUST_POLICY' }),
    );
  });

  it('category-store-separation', async () => {
    const f = await fixture([agreement()]);
    const rogue = await makeLeaf('C=DE, O=RP, CN=RP', f.accessCa);
    const d = await evaluateTrust(f.registry, pid(rogue), { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(result(d, 'TRUST_CATEGORY_MATCH')).toBe('fail');
    expect(result(d, 'TRUST_ISSUER_ANCHORED')).toBe('fail');
  });

  it('agreement-pins-source-signer', async () => {
    const f = await fixture([agreement({ sources: [{ id: 'eu-pid', signerSha256: ['00'.repeat(32)] }] })]);
    const d = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(result(d, 'TRUST_SOURCE_RECOGNISED')).toBe('fail');
  });

  it('purpose-scoped-agreement', async () => {
    const a = agreement();
    const scoped = agreement({ scopes: [{ ...(a.scopes[0] as RecognitionAgreement['scopes'][number]), purposes: ['age-verification'] }] });
    const f = await fixture([scoped]);
    expect(
      result(
        await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW, verifier: { jurisdiction: 'FR', purpose: 'account-opening' } }),
        'TRUST_TYPE_IN_SCOPE',
      ),
    ).toBe('fail');
    expect((await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW, verifier: { jurisdiction: 'FR', purpose: 'age-verification' } })).outcome).toBe(
      'accepted',
    );
  });

  it('required-claim-missing', async () => {
    const f = await fixture([agreement()]);
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, { claims: { birthdate: '1964-08-12' } }), { now: NOW });
    expect(result(d, 'TRUST_CLAIMS_MAPPED')).toBe('fail');
  });

  it('acceptance-rule-on-mapped-claims', async () => {
    const f = await fixture([agreement()]);
    f.registry.addRule({ id: 'born-before-2000', logic: { before: [{ var: 'payload.naissance' }, '2000-01-01'] } });
    const ok = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(result(ok, 'TRUST_RULE_BORN_BEFORE_2000')).toBe('pass');
    const young = await evaluateTrust(f.registry, pid(f.deIssuer, { claims: { family_name: 'X', birthdate: '2005-01-01' } }), { now: NOW });
    expect(result(young, 'TRUST_RULE_BORN_BEFORE_2000')).toBe('fail');
    // A malformed rule is refused when it is added, not found out at each decision.
    expect(() => f.registry.addRule({ id: 'broken', logic: { nosuchop: [1] } })).toThrow(expect.objectContaining({ code: 'ERR_TRUST_RULE_INVALID' }));
    expect(result(await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW }), 'TRUST_RULE_BROKEN')).toBeUndefined();
  });

  it('sequence-regression-refused', async () => {
    const f = await fixture([agreement()]);
    const old = createLoTE({
      sequence: 2,
      type: PID_LIST,
      operator: 'EC',
      territory: 'EU',
      issued: NOW,
      nextUpdate: new Date(NOW.getTime() + DAY),
      entities: [],
    });
    const src = await loadLoTE(await signLoTE(old, f.seal.signer, [f.seal.cert]), [f.seal.cert], { id: 'eu-pid' });
    expect(() => f.registry.addSource(src)).toThrow(ComityError);
    const list: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 1, issued: NOW.toISOString(), agreements: [] };
    const v = await verifyAgreementList(await signAgreementList(list, f.frRegistrar.signer, [f.frRegistrar.cert]), [f.frRegistrar.cert]);
    try {
      f.registry.addAgreementList(v);
      expect.unreachable();
    } catch (e) {
      expect((e as ComityError).code).toBe('ERR_TRUST_SEQUENCE_REGRESSION');
    }
  });

  it('source-failure-ends-when-the-source-loads: a refreshed list clears its failure; a failure repeated on every refresh is held once', async () => {
    const f = await fixture([agreement()]);
    const failure = { id: 'eu-pid', kind: 'lote' as const, category: 'pid' as const, code: 'ERR_TRUST_LIST_SIGNATURE' };
    // A long-running verifier whose refresh of the PID list fails, again and again.
    for (let i = 0; i < 50; i++) f.registry.addFailure(failure);
    expect(f.registry.failures).toHaveLength(1);
    const failed = await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW });
    expect(failed.outcome).toBe('rejected');
    expect(result(failed, 'TRUST_LIST_SIGNATURE')).toBe('fail');
    // The next refresh loads: decisions are taken on it again.
    f.registry.addSource(await pidListSource(f.seal, f.deCa, { sequence: 4, issued: NOW }));
    expect(f.registry.failures).toHaveLength(0);
    expect((await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW })).outcome).toBe('accepted');
    // A failure of another id is ended explicitly, and stops decisions until then.
    f.registry.addFailure({ ...failure, id: 'eu-pid-mirror' });
    expect((await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW })).outcome).toBe('rejected');
    expect(f.registry.clearFailure('eu-pid-mirror')).toBe(true);
    expect(f.registry.clearFailure('eu-pid-mirror')).toBe(false);
    expect((await evaluateTrust(f.registry, pid(f.deIssuer), { now: NOW })).outcome).toBe('accepted');
  });

  it('usage-errors', async () => {
    const registry = new TrustRegistry();
    await expect(evaluateTrust(registry, { format: 'dc+sd-jwt', type: 'x', claims: {} })).rejects.toMatchObject({ code: 'ERR_USAGE_VERIFIER' });
  });
});

describe('authenticateRelyingParty', () => {
  it('access-ca-store-only', async () => {
    const { authenticateRelyingParty } = await import('../src/index.js');
    const f = await fixture([agreement()]);
    const rp = await makeLeaf('C=FR, O=Shop, CN=Shop RP', f.accessCa);
    const ok = await authenticateRelyingParty(f.registry, [rp.cert], { now: NOW });
    expect(ok.outcome).toBe('accepted');
    expect(ok.accessCa?.thumbprint).toBe(f.accessCa.cert.sha256);
    // a PID issuer certificate is not an access certificate
    const wrong = await authenticateRelyingParty(f.registry, [f.deIssuer.cert], { now: NOW });
    expect(wrong.outcome).toBe('rejected');
  });
});

describe('agreement list freshness', () => {
  it('agreement-list-past-next-update-is-indeterminate', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const ca = await makeCa('C=DE, CN=DE PID CA');
    const issuer = await makeLeaf('C=DE, CN=DE PID Issuer', ca);
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
    registry.addSource(await pidListSource(seal, ca, { sequence: 1, issued: NOW }));
    const list: AgreementList = {
      type: 'comity-agreement-list',
      issuer: 'FR',
      sequence: 1,
      issued: iso(-20 * DAY),
      nextUpdate: iso(-DAY),
      agreements: [agreement()],
    };
    registry.addAgreementList(await signedAgreementList(list, fr));
    const d = await evaluateTrust(registry, pid(issuer), { now: NOW });
    expect(d.outcome).toBe('indeterminate');
    expect(d.checks.filter((c) => c.code === 'TRUST_LIST_FRESH').map((c) => c.result)).toContain('unknown');
    const earlier = await evaluateTrust(registry, pid(issuer), { now: new Date(NOW.getTime() - 2 * DAY) });
    expect(earlier.outcome).toBe('accepted');
  });
});

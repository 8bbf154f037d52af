/**
 * Adversarial review of what a decision evaluates from agreement lists and credentials: claim
 * mapping (hostile claims, careless `to` paths and transforms) and CertLogic acceptance rules
 * (checked when loaded; strict dates; bounded work). Real signed lists and certificates.
 */
import { readFileSync } from 'node:fs';
import { ComityError, signCompactJws } from '@comity/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AGREEMENT_LIST_TYP,
  type AgreementList,
  evaluateTrust,
  type RecognitionAgreement,
  type TrustCredential,
  TrustRegistry,
  verifyAgreementList,
} from '../src/index.js';
import { type KeyedCert, makeCa, makeLeaf, makeSigner, NOW, pidAgreement, pidListSource, result, signedAgreementList } from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

const agreement = pidAgreement;

interface Fixture {
  registry: TrustRegistry;
  deIssuer: KeyedCert;
  frRegistrar: KeyedCert;
}

async function fixture(agreements: RecognitionAgreement[]): Promise<Fixture> {
  const seal = await makeSigner('C=BE, CN=EC seal');
  const deCa = await makeCa('C=DE, O=BD, CN=DE PID CA');
  const deIssuer = await makeLeaf('C=DE, O=BD, CN=DE PID Issuer', deCa);
  const frRegistrar = await makeSigner('C=FR, CN=FR registrar');
  const registry = new TrustRegistry({ verifier: { jurisdiction: 'FR' } });
  registry.addSource(await pidListSource(seal, deCa));
  const list: AgreementList = { type: 'comity-agreement-list', issuer: 'FR', sequence: 2, issued: iso(-5 * DAY), agreements };
  registry.addAgreementList(await signedAgreementList(list, frRegistrar));
  return { registry, deIssuer, frRegistrar };
}

const pid = (issuer: KeyedCert, claims: Record<string, unknown>): TrustCredential => ({
  format: 'dc+sd-jwt',
  type: 'urn:eudi:pid:de:1',
  issuerCertificates: [issuer.cert],
  claims,
});

/** A list signed as the registrar would sign it, bypassing signAgreementList's own validation. */
async function signRaw(registrar: KeyedCert, agreements: unknown[]): Promise<string> {
  const payload = { type: 'comity-agreement-list', issuer: 'FR', sequence: 3, issued: iso(-DAY), agreements };
  return signCompactJws({ typ: AGREEMENT_LIST_TYP, x5c: [Buffer.from(registrar.cert.der).toString('base64')] }, payload, registrar.signer);
}

/** The code and field a signed agreement list is refused with. */
async function refusal(registrar: KeyedCert, agreements: unknown[]): Promise<[string, unknown]> {
  try {
    await verifyAgreementList(await signRaw(registrar, agreements), [registrar.cert]);
  } catch (e) {
    if (e instanceof ComityError) return [e.code, e.details.field];
    throw e;
  }
  return ['NO_ERROR', undefined];
}

describe('acceptance rules are checked when loaded', () => {
  it('rule-malformed-refused-by-addRule', async () => {
    const f = await fixture([agreement()]);
    let deep: unknown = { var: 'payload.x' };
    for (let i = 0; i < 100; i++) deep = { '!': [deep] };
    const huge = { and: Array.from({ length: 20_000 }, () => true) };
    const bad: unknown[] = [
      { nosuchop: [1] },
      { if: [true, 1] },
      { '===': [1, 1, 1] },
      { plusTime: [{ var: 'payload.d' }, 1, 'week'] },
      { plusTime: [{ var: 'payload.d' }, 1.5, 'day'] },
      { var: ['payload.x', true] },
      { var: { a: 1, b: 2 } },
      { a: 1, b: 2 },
      deep,
      huge,
    ];
    for (const logic of bad) {
      expect(() => f.registry.addRule({ id: 'r', logic: logic as never }), JSON.stringify(logic).slice(0, 60)).toThrow(
        expect.objectContaining({ code: 'ERR_TRUST_RULE_INVALID' }),
      );
    }
    // A `types` that is a string would match by substring.
    expect(() => f.registry.addRule({ id: 'r', logic: true, types: 'urn:eudi:pid:de:1' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_TRUST_RULE_INVALID' }),
    );
    expect(() => new TrustRegistry({ rules: [{ id: 'r', logic: { nosuchop: 1 } as never }] })).toThrow(
      expect.objectContaining({ code: 'ERR_TRUST_RULE_INVALID' }),
    );
    expect(f.registry.rules).toHaveLength(0);
  });

  it('rule-dcc-vectors-still-load', async () => {
    const f = await fixture([agreement()]);
    for (const n of ['AT-VR-AT-0004', 'DE-VR-DE-0001', 'EU-GR-EU-0000', 'AT-TR-AT-0002']) {
      const logic = (JSON.parse(readFileSync(new URL(`./vectors/${n}.rule.json`, import.meta.url), 'utf8')) as { Logic: unknown }).Logic;
      f.registry.addRule({ id: n, logic: logic as never, types: ['urn:dcc'] });
    }
    expect(f.registry.rules).toHaveLength(4);
  });

  it('agreement-condition-malformed-refused-at-load', async () => {
    const registrar = await makeSigner('C=FR, CN=FR registrar');
    const cond = (logic: unknown) => agreement({ condition: { id: 'c', logic: logic as never } });
    expect(await refusal(registrar, [cond({ nosuchop: 1 })])).toEqual(['ERR_TRUST_AGREEMENT_INVALID', 'agreements[0].scopes[0].condition.logic']);
    expect(await refusal(registrar, [cond({ plusTime: [{ var: 'payload.d' }, 1, 'fortnight'] })])).toEqual([
      'ERR_TRUST_AGREEMENT_INVALID',
      'agreements[0].scopes[0].condition.logic',
    ]);
    expect(await refusal(registrar, [cond({ '===': [{ var: 'payload.x' }, 1] })])).toEqual(['NO_ERROR', undefined]);
  });
});

describe('mapping rules are checked when loaded', () => {
  const field = 'agreements[0].scopes[0].mapping.rules[1].to';
  const mapping = (rules: unknown[]) => agreement({ mapping: { targetSchema: 'fr', rules: rules as never } });

  it('mapping-to-proto-refused', async () => {
    const registrar = await makeSigner('C=FR, CN=FR registrar');
    expect(
      await refusal(registrar, [
        mapping([
          { from: ['a'], to: ['a'] },
          { from: ['b'], to: ['x', '__proto__', 'polluted'] },
        ]),
      ]),
    ).toEqual(['ERR_TRUST_AGREEMENT_INVALID', field]);
  });

  it('mapping-to-collision-refused', async () => {
    const registrar = await makeSigner('C=FR, CN=FR registrar');
    for (const [first, second] of [
      [['nom'], ['nom']],
      [['nom'], ['nom', 'usage']],
      [['nom', 'usage'], ['nom']],
    ]) {
      expect(
        await refusal(registrar, [
          mapping([
            { from: ['a'], to: first },
            { from: ['b'], to: second },
          ]),
        ]),
      ).toEqual(['ERR_TRUST_AGREEMENT_INVALID', field]);
    }
    expect(
      await refusal(registrar, [
        mapping([
          { from: ['a'], to: ['nom', 'naissance'] },
          { from: ['b'], to: ['nom', 'usage'] },
        ]),
      ]),
    ).toEqual(['NO_ERROR', undefined]);
  });

  it('mapping-value-set-undefined-refused', async () => {
    const registrar = await makeSigner('C=FR, CN=FR registrar');
    const rules = [
      { from: ['a'], to: ['a'] },
      { from: ['sex'], to: ['sexe'], transform: { valueSet: 'sex' } },
    ];
    expect(await refusal(registrar, [mapping(rules)])).toEqual(['ERR_TRUST_AGREEMENT_INVALID', 'agreements[0].scopes[0].mapping.rules[1].transform.valueSet']);
    expect(await refusal(registrar, [{ ...mapping(rules), valueSets: { sex: { '1': 'M' } } }])).toEqual(['NO_ERROR', undefined]);
  });

  it('mapping-source-wildcard-or-unbounded-refused', async () => {
    const registrar = await makeSigner('C=FR, CN=FR registrar');
    const p = 'agreements[0].scopes[0].mapping.rules[0]';
    expect(await refusal(registrar, [mapping([{ from: ['a', null], to: ['a'] }])])).toEqual(['ERR_TRUST_AGREEMENT_INVALID', `${p}.from`]);
    expect(await refusal(registrar, [mapping([{ from: ['a'], or: Array.from({ length: 17 }, (_, i) => [`b${i}`]), to: ['a'] }])])).toEqual([
      'ERR_TRUST_AGREEMENT_INVALID',
      `${p}.or`,
    ]);
    expect(await refusal(registrar, [mapping([{ from: ['a'], to: ['a'], transform: { concat: [] } }])])).toEqual([
      'ERR_TRUST_AGREEMENT_INVALID',
      `${p}.transform.concat`,
    ]);
    const many = Array.from({ length: 1001 }, (_, i) => ({ from: [`c${i}`], to: [`c${i}`] }));
    expect(await refusal(registrar, [mapping(many)])).toEqual(['ERR_TRUST_AGREEMENT_INVALID', 'agreements[0].scopes[0].mapping.rules']);
  });
});

describe('hostile credential claims', () => {
  it('claims-many-leaves-decided-in-linear-time', async () => {
    const f = await fixture([agreement()]);
    const claims: Record<string, unknown> = {};
    for (let i = 0; i < 40_000; i++) claims[`c${i}`] = i;
    const t = performance.now();
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, claims), { now: NOW });
    expect(performance.now() - t).toBeLessThan(3000);
    expect(d.outcome).toBe('accepted');
    expect(Object.keys(d.mappedClaims)).toHaveLength(40_000);
    expect(d.droppedClaims).toEqual([]);
  }, 60_000);

  it('claims-proto-key-dropped-not-lost-no-pollution', async () => {
    const f = await fixture([agreement({ acceptedClaims: [['a'], ['__proto__']] })]);
    const claims = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": {"constructor": {"prototype": "p"}}, "b": 1}') as Record<string, unknown>;
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, claims), { now: NOW });
    expect(d.outcome).toBe('accepted');
    expect(d.mappedClaims).toEqual({ a: { constructor: { prototype: 'p' } } });
    expect(Object.getPrototypeOf(d.mappedClaims)).toBe(Object.prototype);
    expect(d.droppedClaims).toEqual([['__proto__', 'polluted'], ['b']]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('claims-deeply-wrapped-date-does-not-crash', async () => {
    const f = await fixture([agreement({ mapping: { targetSchema: 'fr', rules: [{ from: ['birthdate'], to: ['naissance'], transform: 'date-iso' }] } })]);
    let birthdate: unknown = '1964-08-12';
    for (let i = 0; i < 200_000; i++) birthdate = { value: birthdate };
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, { birthdate }), { now: NOW });
    expect(d.outcome).toBe('accepted');
    expect(d.mappedClaims).toEqual({});
    // one wrapper, as mdoc full-dates come, is still read
    const one = await evaluateTrust(f.registry, pid(f.deIssuer, { birthdate: { value: '12.08.1964' } }), { now: NOW });
    expect(one.mappedClaims).toEqual({ naissance: '1964-08-12' });
  });

  it('claims-date-outside-full-date-range-not-mapped', async () => {
    const rules = [{ from: ['birthdate'], to: ['naissance'], transform: 'date-iso' as const, required: true }];
    const f = await fixture([agreement({ mapping: { targetSchema: 'fr', rules } })]);
    for (const birthdate of [new Date(Date.UTC(10_000, 0, 1)), new Date(Date.UTC(-1, 0, 1))]) {
      const d = await evaluateTrust(f.registry, pid(f.deIssuer, { birthdate }), { now: NOW });
      expect(d.mappedClaims).toEqual({});
      expect(result(d, 'TRUST_CLAIMS_MAPPED')).toBe('fail');
    }
  });
});

describe('acceptance rules over hostile claims', () => {
  const rules = [
    { from: ['d'], to: ['d'] },
    { from: ['days'], to: ['days'] },
  ];
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  it('certlogic-date-time-without-offset-is-utc', async () => {
    process.env.TZ = 'America/New_York';
    const f = await fixture([agreement({ mapping: { targetSchema: 'fr', rules } })]);
    f.registry.addRule({ id: 'before-2000', logic: { before: [{ var: 'payload.d' }, '2000-01-01'] } });
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, { d: '1999-12-31T23:30:00' }), { now: NOW });
    expect(result(d, 'TRUST_RULE_BEFORE_2000')).toBe('pass');
  });

  it('certlogic-impossible-calendar-date-not-rolled-over', async () => {
    const f = await fixture([agreement({ mapping: { targetSchema: 'fr', rules } })]);
    f.registry.addRule({ id: 'from-march', logic: { 'not-before': [{ var: 'payload.d' }, '2021-03-01'] } });
    for (const d of ['2021-02-29', '2021-02-30T10:00:00Z', '2021-02-28T24:00:00Z']) {
      const decision = await evaluateTrust(f.registry, pid(f.deIssuer, { d }), { now: NOW });
      expect(result(decision, 'TRUST_RULE_FROM_MARCH')).toBe('unknown');
      expect(decision.outcome).toBe('indeterminate');
      // the check's evidence and messages never carry the claim value
      expect(JSON.stringify(decision.checks)).not.toContain(d.slice(0, 10));
    }
  });

  it('certlogic-plustime-out-of-range-is-not-a-pass', async () => {
    const f = await fixture([agreement({ mapping: { targetSchema: 'fr', rules } })]);
    // "not expired": NOT (now after d + days)
    f.registry.addRule({
      id: 'not-expired',
      logic: { '!': [{ after: [{ var: 'external.validationClock' }, { plusTime: [{ var: 'payload.d' }, { var: 'payload.days' }, 'day'] }] }] },
    });
    const ok = await evaluateTrust(f.registry, pid(f.deIssuer, { d: '2026-01-01', days: 30 }), { now: NOW });
    expect(result(ok, 'TRUST_RULE_NOT_EXPIRED')).toBe('fail');
    const d = await evaluateTrust(f.registry, pid(f.deIssuer, { d: '2026-01-01', days: 1_000_000_000 }), { now: NOW });
    expect(result(d, 'TRUST_RULE_NOT_EXPIRED')).toBe('unknown');
    expect(d.outcome).not.toBe('accepted');
  });
});

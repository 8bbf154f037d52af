import { describe, expect, it } from 'vitest';
import { runScenarios, type ScenarioResult } from '../src/scenarios.js';

const EXPECTED: Record<string, { outcome: string; code: string; result: string }> = {
  'de-pid-at-fr-service': { outcome: 'accepted', code: 'TRUST_CLAIMS_MAPPED', result: 'pass' },
  'gr-mdl-age-check-at-de-shop': { outcome: 'accepted', code: 'TRUST_CLAIMS_MAPPED', result: 'pass' },
  'agreement-suspended': { outcome: 'rejected', code: 'TRUST_AGREEMENT_ACTIVE', result: 'fail' },
  'issuer-not-listed': { outcome: 'rejected', code: 'TRUST_ISSUER_ANCHORED', result: 'fail' },
  'type-out-of-scope': { outcome: 'rejected', code: 'TRUST_TYPE_IN_SCOPE', result: 'fail' },
  'loa-below-minimum': { outcome: 'rejected', code: 'TRUST_LOA_SUFFICIENT', result: 'fail' },
  'list-tampered': { outcome: 'rejected', code: 'TRUST_LIST_SIGNATURE', result: 'fail' },
  'list-stale': { outcome: 'indeterminate', code: 'TRUST_LIST_FRESH', result: 'unknown' },
  'not-transitive': { outcome: 'rejected', code: 'TRUST_NOT_TRANSITIVE', result: 'fail' },
  'access-ca-as-issuer': { outcome: 'rejected', code: 'TRUST_CATEGORY_MATCH', result: 'fail' },
  'other-national-list-down': { outcome: 'accepted', code: 'TRUST_CLAIMS_MAPPED', result: 'pass' },
  'national-list-down': { outcome: 'indeterminate', code: 'TRUST_LIST_SIGNATURE', result: 'unknown' },
};

describe('cross-border scenarios', async () => {
  const results: ScenarioResult[] = await runScenarios();
  const byName = new Map(results.map((r) => [r.scenario, r]));

  it('runs every scenario', () => {
    expect(results.map((r) => r.scenario).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name}: ${want.outcome} on ${want.code}`, () => {
      const r = byName.get(name);
      expect(r?.outcome).toBe(want.outcome);
      expect(r?.decisive).toEqual({ code: want.code, result: want.result });
      // every check carries an English and a French message
      for (const c of r?.decision.checks ?? []) {
        expect(c.message.en.length).toBeGreaterThan(0);
        expect(c.message.fr.length).toBeGreaterThan(0);
      }
    });
  }

  it('de-pid-at-fr-service maps the German PID into the French schema', () => {
    const d = byName.get('de-pid-at-fr-service')?.decision;
    expect(d?.targetSchema).toBe('urn:fr:rp:identite:1');
    expect(d?.mappedClaims).toEqual({
      nom: 'MUSTERMANN',
      prenoms: 'ERIKA',
      naissance: { date: '1964-08-12', lieu: 'BERLIN' },
      nationalite: 'allemande',
      majeur: true,
    });
    expect(d?.droppedClaims).toContainEqual(['address', 'street_address']);
    expect(d?.agreement).toEqual({ id: 'ra:FR<-DE:pid', version: '1.2.0', sequence: 7 });
    expect(d?.sources[0]?.id).toBe('eu-pid-lote');
    expect(d?.sources[0]?.sequence).toBe(12);
    const anchored = d?.checks.find((c) => c.code === 'TRUST_ISSUER_ANCHORED');
    expect(anchored?.evidence?.anchorThumbprint).toMatch(/^[0-9a-f]{64}$/);
    expect(anchored?.evidence?.listDigest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gr-mdl-age-check-at-de-shop passes the age claim only', () => {
    const d = byName.get('gr-mdl-age-check-at-de-shop')?.decision;
    expect(d?.mappedClaims).toEqual({ age_over_18: true });
    const dropped = (d?.droppedClaims ?? []).map((p) => p.join('/'));
    for (const el of ['family_name', 'given_name', 'birth_date', 'document_number', 'age_over_21', 'driving_privileges'])
      expect(dropped).toContain(`org.iso.18013.5.1/${el}`);
    expect(d?.checks.find((c) => c.code === 'TRUST_RULE_AGE_18')?.result).toBe('pass');
  });

  it('one unreachable national list: a diploma from another country is decided, one from that country is retried', () => {
    const es = byName.get('other-national-list-down')?.decision;
    const esList = es?.checks.find((c) => c.code === 'TRUST_LIST_SIGNATURE');
    expect(esList?.result).toBe('pass');
    expect(esList?.evidence?.notConsultedTerritories).toBe('IT');
    expect(esList?.evidence?.notConsultedErrors).toBe('ERR_TRUST_LIST_MISSING');
    expect(es?.agreement?.id).toBe('ra:FR<-ES:qeaa-diploma');
    expect(es?.mappedClaims).toEqual({ degree: 'Grado en Derecho', family_name: 'GARCÍA', given_name: 'LUCÍA' });
    const it = byName.get('national-list-down')?.decision;
    expect(it?.checks.find((c) => c.code === 'TRUST_LIST_SIGNATURE')?.evidence).toMatchObject({ error: 'ERR_TRUST_LIST_MISSING', territory: 'IT' });
    expect(it?.checks.find((c) => c.code === 'TRUST_ISSUER_ANCHORED')?.result).toBe('unknown');
    expect(it?.mappedClaims).toEqual({});
  });

  it('never stops early except on a list signature failure', () => {
    const tampered = byName.get('list-tampered')?.decision.checks ?? [];
    expect(tampered.map((c) => c.code)).toEqual(['TRUST_LIST_SIGNATURE']);
    const loa = byName.get('loa-below-minimum')?.decision.checks ?? [];
    expect(loa.length).toBeGreaterThan(8);
    expect(byName.get('issuer-not-listed')?.decision.mappedClaims).toEqual({});
  });
});

import { readFileSync } from 'node:fs';
import { derToPem, utf8Encode } from '@comity/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AgreementList,
  evaluateTrust,
  inspectTrustFile,
  loadTrustConfig,
  loadVical,
  mapClaims,
  normaliseDate,
  signAgreementList,
  signLoTE,
  signVical,
  trustListAsRegistry,
  verifyAgreementList,
} from '../src/index.js';
import { code, makeCa, makeLeaf, makeSigner, NOW, pidLoTE } from './helpers.js';

const DAY = 86_400_000;
const MDL = 'org.iso.18013.5.1.mDL';

const list = (over: Partial<AgreementList> = {}): AgreementList => ({
  type: 'comity-agreement-list',
  issuer: 'FR',
  sequence: 1,
  issued: NOW.toISOString(),
  agreements: [
    {
      id: 'a1',
      version: '1.0.0',
      sequence: 1,
      recogniser: { jurisdiction: 'FR' },
      recognised: { jurisdiction: 'DE' },
      scopes: [{ format: 'dc+sd-jwt', types: ['urn:eudi:pid:de:1'], category: 'pid' }],
      validity: { notBefore: NOW.toISOString(), notAfter: new Date(NOW.getTime() + DAY).toISOString() },
      status: { state: 'active' },
    },
  ],
  ...over,
});

describe('agreement lists', () => {
  it('sign-verify-roundtrip', async () => {
    const s = await makeSigner('C=FR, CN=FR registrar');
    const jws = await signAgreementList(list(), s.signer, [s.cert]);
    const v = await verifyAgreementList(jws, [s.cert]);
    expect(v.list.agreements[0]?.id).toBe('a1');
    expect(v.signerSha256).toBe(s.cert.sha256);
  });
  it('agreement-list-wrong-signer', async () => {
    const s = await makeSigner('C=FR, CN=FR registrar');
    const other = await makeSigner('C=FR, CN=other');
    expect(await code(verifyAgreementList(await signAgreementList(list(), s.signer, [s.cert]), [other.cert]))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');
    expect(await code(verifyAgreementList(await signAgreementList(list(), other.signer, [s.cert]), [s.cert]))).toBe('ERR_TRUST_AGREEMENT_LIST_SIGNATURE');
  });
  it('agreement-list-tampered', async () => {
    const s = await makeSigner('C=FR, CN=FR registrar');
    const [h, p, sig] = (await signAgreementList(list(), s.signer, [s.cert])).split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url').toString('utf8').replace('"state":"active"', '"state":"suspended"');
    expect(await code(verifyAgreementList(`${h}.${Buffer.from(payload).toString('base64url')}.${sig}`, [s.cert]))).toBe('ERR_TRUST_AGREEMENT_LIST_SIGNATURE');
  });
  it('agreement-recogniser-must-sign-own-list', async () => {
    const s = await makeSigner('C=DE, CN=DE registrar');
    await expect(signAgreementList(list({ issuer: 'DE' }), s.signer, [s.cert])).rejects.toMatchObject({ code: 'ERR_TRUST_AGREEMENT_INVALID' });
  });
  it('agreement-junk-fields', async () => {
    const s = await makeSigner('C=FR, CN=FR registrar');
    const a = list().agreements[0];
    for (const bad of [
      { ...a, scopes: [] },
      { ...a, scopes: [{ format: 'dc+sd-jwt', types: ['x'], category: 'nope' }] },
      { ...a, validity: { notBefore: 'yesterday', notAfter: NOW.toISOString() } },
      { ...a, validity: { ...a?.validity, changeLeadTime: 'P1M' } },
      { ...a, status: { state: 'paused' } },
      { ...a, recognised: { jurisdiction: 'germany' } },
    ]) {
      await expect(signAgreementList(list({ agreements: [bad as never] }), s.signer, [s.cert])).rejects.toMatchObject({ code: 'ERR_TRUST_AGREEMENT_INVALID' });
    }
  });
});

describe('VICAL', () => {
  it('18013-5-C-vical-loads-with-pinned-signer', async () => {
    const signer = await makeSigner('C=BE, CN=VICAL signer');
    const iaca = await makeCa('C=GR, CN=GR IACA');
    const bytes = await signVical(
      {
        provider: 'test',
        date: NOW,
        nextUpdate: new Date(NOW.getTime() + DAY),
        issueId: 4,
        certificateInfos: [{ certificate: iaca.cert, docTypes: [MDL], issuingCountry: 'GR' }],
      },
      signer.signer,
      [signer.cert],
    );
    const src = await loadVical(bytes, [signer.cert]);
    expect(src.sequence).toBe(4);
    expect(src.anchors[0]?.category).toBe('mdl');
    expect(src.anchors[0]?.jurisdiction).toBe('GR');
    expect(src.anchors[0]?.docTypes).toEqual([MDL]);
    expect(await code(loadVical(bytes, [iaca.cert]))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');
    const tampered = bytes.slice();
    tampered[tampered.length - 70] = (tampered[tampered.length - 70] as number) ^ 1;
    expect(['ERR_TRUST_LIST_SIGNATURE', 'ERR_TRUST_VICAL_MALFORMED']).toContain(await code(loadVical(tampered, [signer.cert])));
    expect(await code(loadVical(bytes, [signer.cert], { minSequence: 5 }))).toBe('ERR_TRUST_SEQUENCE_REGRESSION');
    expect(await code(loadVical(new Uint8Array([0x84, 0x40]), [signer.cert]))).toBe('ERR_TRUST_VICAL_MALFORMED');
    expect((await inspectTrustFile(bytes)).kind).toBe('vical');
  });
});

describe('configuration, single-list mode and inspection', () => {
  it('loadTrustConfig reads sources relative to the config and records failures', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const fr = await makeSigner('C=FR, CN=FR registrar');
    const ca = await makeCa('C=DE, CN=DE PID CA');
    const issuer = await makeLeaf('C=DE, CN=DE PID Issuer', ca);
    const lote = await signLoTE(pidLoTE(ca, { sequence: 1, issued: NOW, nextUpdate: new Date(NOW.getTime() + DAY) }), seal.signer, [seal.cert]);
    const files = new Map<string, Uint8Array>([
      ['/cfg/pid.jws', utf8Encode(lote)],
      ['/cfg/seal.pem', utf8Encode(derToPem(seal.cert.der))],
      ['/cfg/fr.pem', utf8Encode(derToPem(fr.cert.der))],
      ['/cfg/agreements.jws', utf8Encode(await signAgreementList(list(), fr.signer, [fr.cert]))],
      ['/cfg/bad.jws', utf8Encode(`${lote.slice(0, -4)}AAAA`)],
    ]);
    const readFile = async (p: string) => files.get(p) ?? Promise.reject(new Error(p));
    const config = {
      verifier: { jurisdiction: 'FR' },
      sources: [{ id: 'eu-pid', kind: 'lote', file: 'pid.jws', signers: ['seal.pem'] }],
      agreementLists: [{ file: 'agreements.jws', signers: ['fr.pem'] }],
    };
    const registry = await loadTrustConfig(config, { baseDir: '/cfg', readFile });
    expect(registry.anchorCount('pid')).toBe(1);
    expect(registry.failures).toEqual([]);
    const cred = { format: 'dc+sd-jwt', type: 'urn:eudi:pid:de:1', issuerCertificates: [issuer.cert], claims: { given_name: 'E' } };
    expect((await evaluateTrust(registry, cred, { now: NOW })).outcome).toBe('accepted');

    const broken = await loadTrustConfig(
      { ...config, sources: [{ id: 'eu-pid', kind: 'lote', file: 'bad.jws', signers: ['seal.pem'], category: 'pid' }] },
      { baseDir: '/cfg', readFile },
    );
    expect(broken.failures[0]?.code).toBe('ERR_TRUST_LIST_SIGNATURE');
    const d = await evaluateTrust(broken, cred, { now: NOW });
    expect(d.outcome).toBe('rejected');
    expect(d.checks.map((c) => c.code)).toEqual(['TRUST_LIST_SIGNATURE']);

    expect(await code(loadTrustConfig({ sources: [] }, { baseDir: '/cfg', readFile }))).toBe('ERR_TRUST_CONFIG_INVALID');
    expect(await code(loadTrustConfig({ ...config, sources: [{ id: 'x', kind: 'x509', file: 'seal.pem' }] }, { baseDir: '/cfg', readFile }))).toBe(
      'ERR_TRUST_CONFIG_INVALID',
    );

    // single-list mode: anchors only, signer pinned by PEM text
    const single = await trustListAsRegistry(utf8Encode(lote), derToPem(seal.cert.der));
    expect((await evaluateTrust(single, cred, { now: NOW })).outcome).toBe('accepted');
    expect(await code(trustListAsRegistry(utf8Encode(lote), derToPem(fr.cert.der)))).toBe('ERR_TRUST_SIGNER_NOT_PINNED');

    const info = await inspectTrustFile(utf8Encode(lote));
    expect(info).toMatchObject({ kind: 'lote', signed: true, sequence: 1, signerSha256: seal.cert.sha256, anchors: { pid: 1 } });
    const al = await inspectTrustFile(files.get('/cfg/agreements.jws') as Uint8Array);
    expect(al).toMatchObject({ kind: 'agreement-list', sequence: 1, agreements: [{ id: 'a1', recogniser: 'FR', recognised: 'DE', state: 'active' }] });
  });

  it('inspect detects the shared vectors', async () => {
    const lotl = await inspectTrustFile(readFileSync(new URL('./vectors/EE-test-LOTL.xml', import.meta.url)));
    expect(lotl).toMatchObject({ kind: 'lotl', signed: true, sequence: 4, territory: 'EE' });
    const tl = await inspectTrustFile(readFileSync(new URL('./vectors/EE_T-national-TL-excerpt.xml', import.meta.url)));
    expect(tl).toMatchObject({ kind: 'trusted-list', signed: false });
    const lote = await inspectTrustFile(readFileSync(new URL('./vectors/EU-PID-Providers-LoTE-nonprod-excerpt.json', import.meta.url)));
    expect(lote).toMatchObject({ kind: 'lote', signed: false, sequence: 9, anchors: { pid: 1 } });
    expect(await code(inspectTrustFile(utf8Encode('hello')))).toBe('ERR_TRUST_FILE_UNKNOWN');
  });
});

describe('claim mapping', () => {
  it('date normalisation', () => {
    expect(normaliseDate('1964-08-12')).toBe('1964-08-12');
    expect(normaliseDate('12.08.1964')).toBe('1964-08-12');
    expect(normaliseDate('12/08/1964')).toBe('1964-08-12');
    expect(normaliseDate('19640812')).toBe('1964-08-12');
    expect(normaliseDate({ value: '1964-08-12' })).toBe('1964-08-12');
    expect(normaliseDate('1964-02-30')).toBeUndefined();
    expect(normaliseDate('2023-02-29')).toBeUndefined();
    expect(normaliseDate('2024-02-29')).toBe('2024-02-29');
    expect(normaliseDate(12)).toBeUndefined();
  });
  it('date normalisation: the full-date fast path agrees with the pattern rules (property)', () => {
    // The rules written the long way: ISO prefix, DD.MM.YYYY or DD/MM/YYYY, YYYYMMDD, then a calendar check.
    const reference = (v: string): string | undefined => {
      const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(v) ?? null;
      const e = m === null ? /^(\d{2})[./](\d{2})[./](\d{4})$/.exec(v) : null;
      const c = m === null && e === null ? /^(\d{4})(\d{2})(\d{2})$/.exec(v) : null;
      const [y, mo, d] = m !== null ? [m[1], m[2], m[3]] : e !== null ? [e[3], e[2], e[1]] : c !== null ? [c[1], c[2], c[3]] : [];
      if (y === undefined || mo === undefined || d === undefined) return undefined;
      const date = new Date(0);
      date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d)); // rolls over invalid days; no 19xx mapping of years < 100
      const valid = date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d);
      return valid ? `${y}-${mo}-${d}` : undefined;
    };
    const unit = fc.constantFrom('0', '1', '2', '9', '-', '.', '/', 'T', 'x', '٣');
    const dateLike = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }))
      .map(([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, minLength: 8, maxLength: 11 }), dateLike), (v) => {
        expect(normaliseDate(v)).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
  });
  it('rename, restructure, value sets, concat, fallbacks, drops', () => {
    const m = mapClaims(
      { given_name: 'Erika', family_name: 'Mustermann', place_of_birth: { locality: 'Berlin' }, nationalities: ['DE'], extra: 1, __proto__x: 2 },
      {
        mapping: {
          targetSchema: 'fr',
          rules: [
            { from: ['birth_place'], or: [['place_of_birth', 'locality']], to: ['naissance', 'lieu'] },
            { from: ['nationalities', 0], to: ['nationalite'], transform: { valueSet: 'nat' } },
            { from: ['x'], to: ['nom_complet'], transform: { concat: [['given_name'], ['family_name']], separator: ' ' } },
            { from: ['nope'], to: ['__proto__'] },
          ],
        },
      },
      { nat: { DE: 'allemande' } },
    );
    expect(m.mapped).toEqual({ naissance: { lieu: 'Berlin' }, nationalite: 'allemande', nom_complet: 'Erika Mustermann' });
    expect(m.dropped).toEqual([['extra'], ['__proto__x']]);
    expect(Object.getPrototypeOf(m.mapped)).toBe(Object.prototype);
  });
});

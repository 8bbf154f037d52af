/**
 * Adversarial review of the non-XML loaders: JWS LoTE sequence numbers, JWS size bounds,
 * VICAL entries repeating a certificate, and configurations (duplicate ids, broken JWKS).
 */
import { derToPem, utf8Encode } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { inspectTrustFile, loadTrustConfig, loadVical, parseLoTE, signLoTE, signVical, TrustRegistry } from '../src/index.js';
import { code, makeCa, makeLeaf, makeSigner, NOW, pidLoTE } from './helpers.js';

const DAY = 86_400_000;
const MDL = 'org.iso.18013.5.1.mDL';
const OTHER = 'org.example.other.1';

async function pidLote(sequence: number) {
  const ca = await makeCa('C=DE, CN=DE PID CA');
  return pidLoTE(ca, { sequence, issued: NOW, nextUpdate: new Date(NOW.getTime() + DAY) }) as { LoTE: { ListAndSchemeInformation: Record<string, unknown> } };
}

describe('LoTE (JSON / JWS)', () => {
  it('refuses a LoTESequenceNumber that is not a safe integer', async () => {
    for (const n of [1e300, 2 ** 53 + 2, Number.MAX_VALUE]) {
      const lote = await pidLote(1);
      lote.LoTE.ListAndSchemeInformation.LoTESequenceNumber = n;
      expect(await code(parseLoTE(lote))).toBe('ERR_TRUST_LIST_MALFORMED');
    }
    const text = JSON.stringify(await pidLote(1)).replace('"LoTESequenceNumber":1', '"LoTESequenceNumber":9007199254740993');
    expect(await code(parseLoTE(text))).toBe('ERR_TRUST_LIST_MALFORMED');
  });

  it('bounds a compact JWS before decoding it (inspectTrustFile has no list cap of its own)', async () => {
    const seal = await makeSigner('C=BE, CN=EC seal');
    const [h, p, s] = (await signLoTE(await pidLote(1), seal.signer, [seal.cert])).split('.');
    expect(await code(inspectTrustFile(`${h}.${'A'.repeat(17 * 1024 * 1024)}.${s}`))).toBe('ERR_TRUST_LIST_TOO_LARGE');
    expect(await code(inspectTrustFile(`${'A'.repeat(200_000)}.${p}.${s}`))).toBe('ERR_TRUST_LIST_MALFORMED');
  });
});

describe('VICAL', () => {
  it('a certificate listed twice for different docTypes anchors both', async () => {
    const signer = await makeSigner('C=EU, CN=VICAL signer');
    const iaca = await makeCa('C=DE, CN=DE IACA');
    const ds = await makeLeaf('C=DE, CN=DE DS', iaca);
    const bytes = await signVical(
      {
        provider: 'p',
        date: NOW,
        issueId: 1,
        certificateInfos: [
          { certificate: iaca.cert, docTypes: [MDL] },
          { certificate: iaca.cert, docTypes: [OTHER, MDL] },
        ],
      },
      signer.signer,
      [signer.cert],
    );
    const src = await loadVical(bytes, [signer.cert]);
    expect(src.anchors).toHaveLength(1);
    expect(src.anchors[0]?.docTypes).toEqual([MDL, OTHER]);
    const registry = new TrustRegistry();
    registry.addSource(src);
    const r = await registry.anchorChain('mdl', [ds.cert], NOW);
    expect(r.ok && r.anchor.docTypes).toContain(OTHER);

    const conflicting = await signVical(
      {
        provider: 'p',
        date: NOW,
        issueId: 1,
        certificateInfos: [
          { certificate: iaca.cert, docTypes: [MDL], issuingCountry: 'DE' },
          { certificate: iaca.cert, docTypes: [OTHER], issuingCountry: 'FR' },
        ],
      },
      signer.signer,
      [signer.cert],
    );
    expect(await code(loadVical(conflicting, [signer.cert]))).toBe('ERR_TRUST_VICAL_MALFORMED');
  });
});

describe('loadTrustConfig', () => {
  async function setup() {
    const a = await makeCa('C=DE, CN=A');
    const b = await makeCa('C=AT, CN=B');
    const files = new Map<string, Uint8Array>([
      ['/cfg/a.pem', utf8Encode(derToPem(a.cert.der))],
      ['/cfg/b.pem', utf8Encode(derToPem(b.cert.der))],
      ['/cfg/bad.jwks', utf8Encode('{"keys": [')],
      ['/cfg/array.jwks', utf8Encode('[]')],
      ['/cfg/huge.jwks', new Uint8Array(17 * 1024 * 1024).fill(0x20)],
    ]);
    return { readFile: async (p: string) => files.get(p) ?? Promise.reject(new Error(p)) };
  }

  it('refuses two sources with the same id (the second would silently replace the first)', async () => {
    const { readFile } = await setup();
    const sources = [
      { id: 'x', kind: 'x509', file: 'a.pem', category: 'pid' },
      { id: 'x', kind: 'x509', file: 'b.pem', category: 'pid' },
    ];
    const err = await loadTrustConfig({ verifier: { jurisdiction: 'FR' }, sources }, { baseDir: '/cfg', readFile }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ERR_TRUST_CONFIG_INVALID', details: { field: 'sources[1].id' } });
    const ok = await loadTrustConfig({ verifier: { jurisdiction: 'FR' }, sources: [sources[0], { ...sources[1], id: 'y' }] }, { baseDir: '/cfg', readFile });
    expect(ok.anchorCount('pid')).toBe(2);
  });

  it('records a JWKS file that is not a JSON object, or too large, with a stable code', async () => {
    const { readFile } = await setup();
    const jwks = (file: string) => ({ id: file, kind: 'jwks', file, category: 'eaa', issuerId: 'https://issuer.example' });
    const registry = await loadTrustConfig(
      { verifier: { jurisdiction: 'FR' }, sources: [jwks('bad.jwks'), jwks('array.jwks'), jwks('huge.jwks')] },
      { baseDir: '/cfg', readFile },
    );
    expect(registry.failures.map((f) => [f.id, f.code])).toEqual([
      ['bad.jwks', 'ERR_TRUST_LIST_MALFORMED'],
      ['array.jwks', 'ERR_TRUST_LIST_MALFORMED'],
      ['huge.jwks', 'ERR_TRUST_LIST_TOO_LARGE'],
    ]);
  });
});

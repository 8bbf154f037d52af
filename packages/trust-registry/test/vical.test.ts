/**
 * VICAL (ISO/IEC 18013-5 Annex C) against its CDDL: what signVical writes, and hand-built,
 * really signed VICALs that deviate from it in one place each.
 */
import { type CborMap, ComityError, concatBytes, coseToBeSigned, decodeCbor, fromHex, Tagged, utf8Encode } from '@comity/core';
import { Encoder, Tag } from 'cbor-x';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadVical, signVical } from '../src/index.js';
import { type KeyedCert, makeCa, makeSigner, NOW } from './helpers.js';

const MDL = 'org.iso.18013.5.1.mDL';
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);
const enc = (v: unknown): Uint8Array => Uint8Array.from(encoder.encode(v));
const tdate = (d: Date) => new Tag(d.toISOString().replace(/\.\d{3}Z$/, 'Z'), 0);

async function failure(p: Promise<unknown>): Promise<{ code: string; field?: unknown; cause?: string }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ComityError) return { code: e.code, field: e.details.field, cause: e.cause instanceof ComityError ? e.cause.code : undefined };
    throw e;
  }
  return { code: 'NO_ERROR' };
}

/** Replaces the one occurrence of `find` in `bytes` (a CBOR item swapped for another item). */
function swap(bytes: Uint8Array, find: Uint8Array, replace: Uint8Array): Uint8Array {
  const hex = Buffer.from(bytes).toString('hex');
  const at = hex.indexOf(Buffer.from(find).toString('hex'));
  if (at < 0 || at % 2 !== 0) throw new Error('pattern not found');
  return concatBytes([bytes.subarray(0, at / 2), replace, bytes.subarray(at / 2 + find.length)]);
}

let signer: KeyedCert;
let iaca: KeyedCert;

beforeAll(async () => {
  signer = await makeSigner('C=BE, CN=VICAL signer');
  iaca = await makeCa('C=GR, CN=GR IACA');
});

const payload = (over: (m: Map<string, unknown>) => void = () => {}): Uint8Array => {
  const m = new Map<string, unknown>([
    ['version', '1.0'],
    ['vicalProvider', 'test'],
    ['date', tdate(NOW)],
    ['vicalIssueID', 4],
    [
      'certificateInfos',
      [
        new Map<string, unknown>([
          ['certificate', iaca.cert.der],
          ['serialNumber', new Tag(fromHex(iaca.cert.serialNumber), 2)],
          ['ski', fromHex(iaca.cert.subjectKeyId as string)],
          ['docType', [MDL]],
        ]),
      ],
    ],
  ]);
  over(m);
  return enc(m);
};

/** A VICAL signed over exactly these bytes and headers. */
async function sign(payloadBytes: Uint8Array, header: { protected?: Map<number, unknown>; unprotected?: Map<number, unknown> } = {}): Promise<Uint8Array> {
  const protectedBytes = enc(header.protected ?? new Map([[1, -7]]));
  const signature = await signer.signer.sign(coseToBeSigned('Signature1', protectedBytes, payloadBytes));
  return enc([protectedBytes, header.unprotected ?? new Map([[33, signer.cert.der]]), payloadBytes, signature]);
}

describe('VICAL: what signVical writes follows Annex C', () => {
  it('18013-5-C.1.7.1-types: tdate dates, a biguint serialNumber and a bstr ski that match the certificate', async () => {
    const next = new Date(NOW.getTime() + 86_400_000);
    const bytes = await signVical(
      { provider: 'test', date: NOW, nextUpdate: next, issueId: 4, certificateInfos: [{ certificate: iaca.cert, docTypes: [MDL] }] },
      signer.signer,
      [signer.cert],
    );
    const cose = decodeCbor(bytes) as unknown[];
    const body = decodeCbor(cose[2] as Uint8Array) as CborMap;
    expect(body.get('date')).toEqual(new Tagged(0, NOW.toISOString().replace(/\.\d{3}Z$/, 'Z')));
    expect(body.get('nextUpdate')).toEqual(new Tagged(0, next.toISOString().replace(/\.\d{3}Z$/, 'Z')));
    const info = (body.get('certificateInfos') as CborMap[])[0] as CborMap;
    const serial = info.get('serialNumber') as Tagged;
    expect(serial.tag).toBe(2);
    expect(BigInt(`0x${Buffer.from(serial.value as Uint8Array).toString('hex')}`)).toBe(BigInt(`0x${iaca.cert.serialNumber}`));
    expect(Buffer.from(info.get('ski') as Uint8Array).toString('hex')).toBe(iaca.cert.subjectKeyId);
    expect((await loadVical(bytes, [signer.cert])).nextUpdate?.getTime()).toBe(Math.floor(next.getTime() / 1000) * 1000);
  });

  it('the hand-built baseline loads', async () => {
    const src = await loadVical(await sign(payload()), [signer.cert]);
    expect(src.anchors.map((a) => a.docTypes)).toEqual([[MDL]]);
    expect(src.sequence).toBe(4);
  });
});

describe('VICAL: one deviation each is ERR_TRUST_VICAL_MALFORMED', () => {
  it('18013-5-C.1.7.1-date-tdate: an untagged date text is refused', async () => {
    const f = await failure(loadVical(await sign(payload((m) => m.set('date', '2026-01-01T00:00:00Z'))), [signer.cert]));
    expect(f).toMatchObject({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'date' });
  });

  it('18013-5-C.1.7.1-date-tdate: an epoch (tag 1) nextUpdate is refused', async () => {
    const f = await failure(loadVical(await sign(payload((m) => m.set('nextUpdate', new Tag(2_000_000_000, 1)))), [signer.cert]));
    expect(f).toMatchObject({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'nextUpdate' });
  });

  it('18013-5-C.1.7.1-issue-id-uint: vicalIssueID written as the float 4.0 is refused', async () => {
    const bytes = swap(payload(), utf8Encode('\x6cvicalIssueID\x04'), concatBytes([utf8Encode('\x6cvicalIssueID'), fromHex('fb4010000000000000')]));
    const f = await failure(loadVical(await sign(bytes), [signer.cert]));
    expect(f).toMatchObject({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'vicalIssueID' });
  });

  it('rfc8949-5.6-duplicate-key: a payload naming vicalProvider twice is refused (no last-one-wins)', async () => {
    const twice = swap(
      payload((m) => m.set('vicalProviderX', 'other')),
      utf8Encode('\x6evicalProviderX'),
      utf8Encode('\x6dvicalProvider'),
    );
    const f = await failure(loadVical(await sign(twice), [signer.cert]));
    expect(f).toEqual({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'payload', cause: 'ERR_CBOR_DUPLICATE_KEY' });
  });

  it('18013-5-C.1.7.1-serial-biguint: a serialNumber as text is refused', async () => {
    const f = await failure(
      loadVical(await sign(payload((m) => (m.get('certificateInfos') as Map<string, unknown>[])[0]?.set('serialNumber', iaca.cert.serialNumber))), [
        signer.cert,
      ]),
    );
    expect(f).toMatchObject({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'serialNumber' });
  });

  it('18013-5-C.1.7.1-doctype-nonempty: an entry with no docType is refused', async () => {
    const f = await failure(loadVical(await sign(payload((m) => (m.get('certificateInfos') as Map<string, unknown>[])[0]?.set('docType', []))), [signer.cert]));
    expect(f).toMatchObject({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'docType' });
  });

  it('rfc9052-3-crit: critical header parameters are refused', async () => {
    const f = await failure(
      loadVical(
        await sign(payload(), {
          protected: new Map<number, unknown>([
            [1, -7],
            [2, [99]],
          ]),
        }),
        [signer.cert],
      ),
    );
    expect(f.code).toBe('ERR_TRUST_VICAL_MALFORMED');
  });

  it('rfc9052-3-header-both: a label in both the protected and the unprotected header is refused', async () => {
    const unprotected = new Map<number, unknown>([
      [1, -7],
      [33, signer.cert.der],
    ]);
    expect((await failure(loadVical(await sign(payload(), { unprotected }), [signer.cert]))).code).toBe('ERR_TRUST_VICAL_MALFORMED');
  });

  it('rfc9052-alg-int: an alg written as the float -7.0 is not ES256', async () => {
    const protectedBytes = fromHex('a101fbc01c000000000000');
    const body = payload();
    const signature = await signer.signer.sign(coseToBeSigned('Signature1', protectedBytes, body));
    const bytes = enc([protectedBytes, new Map([[33, signer.cert.der]]), body, signature]);
    expect((await failure(loadVical(bytes, [signer.cert]))).code).toBe('ERR_TRUST_VICAL_MALFORMED');
  });

  it('rfc8949-limits: a payload nested deeper than a VICAL needs is refused before reading', async () => {
    const deep = concatBytes([fromHex('a1'), utf8Encode('\x61x'), fromHex('81'.repeat(40)), fromHex('00')]);
    const f = await failure(loadVical(await sign(deep), [signer.cert]));
    expect(f).toEqual({ code: 'ERR_TRUST_VICAL_MALFORMED', field: 'payload', cause: 'ERR_CBOR_TOO_DEEP' });
  });
});

describe('signVical refuses entries Annex C cannot express', () => {
  it('an entry without docTypes is a usage error', async () => {
    await expect(
      signVical({ provider: 'p', date: NOW, issueId: 1, certificateInfos: [{ certificate: iaca.cert, docTypes: [] }] }, signer.signer, [signer.cert]),
    ).rejects.toMatchObject({
      code: 'ERR_USAGE_VICAL_CERTIFICATE',
    });
  });
});

/**
 * Negative rules on hand-built (but really signed) structures: each deviation from ISO/IEC
 * 18013-5 gives its own code, tolerated deviations give warnings.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { coseToBeSigned } from '../src/cose.js';
import { buildSessionTranscript, parseIssuerSigned, presentMdoc, verifyDeviceResponse, verifyIssuerSigned } from '../src/index.js';
import { CborFloat, type CborMap, decodeCbor, encodeCbor, RawCbor, Tag, toDataItem, wrapTag24 } from '../src/internal/cbor.js';
import { jwkToCoseKey } from '../src/internal/cose-key.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

let pki: Pki;
beforeAll(async () => {
  pki = await makePki();
});

const tdate = (d: Date) => new Tag(`${d.toISOString().slice(0, 19)}Z`, 0);

interface Craft {
  items?: Array<Map<string, unknown>>;
  mso?: (mso: Map<string, unknown>) => void;
  protectedBytes?: Uint8Array;
  unprotected?: CborMap;
  payload?: (msoBytes: Uint8Array) => Uint8Array;
}

async function craft(c: Craft = {}): Promise<Uint8Array> {
  const items = (
    c.items ?? [
      new Map<string, unknown>([
        ['digestID', 7],
        ['random', new Uint8Array(16).fill(1)],
        ['elementIdentifier', 'family_name'],
        ['elementValue', 'Doe'],
      ]),
    ]
  ).map((m) => toDataItem(m));
  const digests = new Map<number, Uint8Array>();
  for (const item of items) {
    const raw = (decodeCbor(item.content) as CborMap).get('digestID');
    const id = (raw instanceof CborFloat ? raw.value : raw) as number;
    digests.set(id, await pki.ctx.crypto.digest('sha-256', item.raw));
  }
  const now = Date.now();
  const mso = new Map<string, unknown>([
    ['version', '1.0'],
    ['digestAlgorithm', 'SHA-256'],
    ['valueDigests', new Map([[NS, digests]])],
    ['deviceKeyInfo', new Map([['deviceKey', jwkToCoseKey(pki.device.publicJwk)]])],
    ['docType', MDL],
    [
      'validityInfo',
      new Map([
        ['signed', tdate(new Date(now - 60_000))],
        ['validFrom', tdate(new Date(now - 60_000))],
        ['validUntil', tdate(new Date(now + 86_400_000))],
      ]),
    ],
  ]);
  c.mso?.(mso);
  const msoBytes = encodeCbor(mso);
  const payload = c.payload ? c.payload(msoBytes) : wrapTag24(msoBytes);
  const protectedBytes = c.protectedBytes ?? Uint8Array.of(0xa1, 0x01, 0x26);
  const signature = await pki.ds.signer.sign(coseToBeSigned('Signature1', protectedBytes, payload));
  const unprotected = c.unprotected ?? new Map([[33, pki.ds.certificate.der]]);
  return encodeCbor(
    new Map<string, unknown>([
      ['nameSpaces', new Map([[NS, items]])],
      ['issuerAuth', new RawCbor(encodeCbor([protectedBytes, unprotected, payload, signature]))],
    ]),
  );
}

const verify = (bytes: Uint8Array) => verifyIssuerSigned(bytes, { trustAnchors: [pki.iaca.certificate], ctx: pki.ctx });
const codes = async (bytes: Uint8Array) => (await verify(bytes)).errors.map((e) => e.code);

describe('issuer-side rules', () => {
  it('the crafted baseline verifies', async () => {
    const r = await verify(await craft());
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it('18013-5-9.1.2.4-tdate-lenient: fractional seconds are accepted with a warning', async () => {
    const r = await verify(
      await craft({
        mso: (m) => (m.get('validityInfo') as Map<string, unknown>).set('signed', new Tag(`${new Date(Date.now() - 60_000).toISOString()}`, 0)),
      }),
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['WARN_MDOC_TDATE_FORMAT']);
  });

  it('18013-5-9.1.2.4-tdate-tag: an epoch (tag 1) validity date is refused', async () => {
    expect(await codes(await craft({ mso: (m) => (m.get('validityInfo') as Map<string, unknown>).set('validUntil', new Tag(2_000_000_000, 1)) }))).toEqual([
      'ERR_MDOC_TDATE_INVALID',
    ]);
  });

  it('rfc3339-5.7-tdate-range-lenient: an impossible date or offset is refused in the lenient form too', async () => {
    for (const text of ['2021-02-30T00:00:00.5Z', '2021-01-01T24:00:00+00:00', '2021-01-01T00:00:00+24:00', '2021-13-01T00:00:00.1Z']) {
      expect(await codes(await craft({ mso: (m) => (m.get('validityInfo') as Map<string, unknown>).set('validFrom', new Tag(text, 0)) }))).toEqual([
        'ERR_MDOC_TDATE_INVALID',
      ]);
    }
  });

  it('rfc3339-5.7-tdate-range: an impossible calendar date is refused', async () => {
    expect(
      await codes(await craft({ mso: (m) => (m.get('validityInfo') as Map<string, unknown>).set('validFrom', new Tag('2021-02-30T00:00:00Z', 0)) })),
    ).toEqual(['ERR_MDOC_TDATE_INVALID']);
  });

  it('18013-5-8.3.2.1.2.2-item-key-order: varied IssuerSignedItem map order is accepted with a warning', async () => {
    const item = new Map<string, unknown>([
      ['random', new Uint8Array(16).fill(2)],
      ['digestID', 3],
      ['elementValue', 'Doe'],
      ['elementIdentifier', 'family_name'],
    ]);
    const r = await verify(await craft({ items: [item] }));
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['WARN_MDOC_ITEM_KEY_ORDER']);
  });

  it('18013-5-8.3.2.1.2.2-digest-id-uint: a digestID encoded as the float 1.0 is refused', async () => {
    const item = new Map<string, unknown>([
      ['digestID', new RawCbor(Uint8Array.of(0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0))],
      ['random', new Uint8Array(16).fill(3)],
      ['elementIdentifier', 'family_name'],
      ['elementValue', 'Doe'],
    ]);
    expect(await codes(await craft({ items: [item] }))).toEqual(['ERR_MDOC_STRUCTURE']);
  });

  it('rfc9052-3.1-crit: an issuerAuth with critical header parameters is refused (comity processes none)', async () => {
    const protectedBytes = encodeCbor(
      new Map<number, unknown>([
        [1, -7],
        [2, [99]],
        [99, 'must be understood'],
      ]),
    );
    expect(await codes(await craft({ protectedBytes }))).toEqual(['ERR_MDOC_COSE_CRIT_UNSUPPORTED']);
  });

  it('status-list-6.3-mso-status-map: an MSO status that is null or not a map is refused, not taken as absent', async () => {
    for (const status of [null, 'https://status.example/1', [1]]) {
      expect(await codes(await craft({ mso: (m) => m.set('status', status) }))).toEqual(['ERR_MDOC_STRUCTURE']);
    }
  });

  it('18013-5-9.1.2.4-mso-tag24: an MSO payload without tag 24 is refused', async () => {
    expect(await codes(await craft({ payload: (b) => b }))).toEqual(['ERR_MDOC_MSO_NOT_TAG24']);
  });

  it('18013-5-9.1.2.4-digest-algorithm: SHA-1 is refused', async () => {
    expect(await codes(await craft({ mso: (m) => m.set('digestAlgorithm', 'SHA-1') }))).toEqual(['ERR_MDOC_DIGEST_ALG_UNSUPPORTED']);
  });

  it('18013-5-9.1.2.4-version: an MSO version other than 1.0 is refused', async () => {
    expect(await codes(await craft({ mso: (m) => m.set('version', '2.0') }))).toEqual(['ERR_MDOC_VERSION_UNSUPPORTED']);
  });

  it('18013-5-9.1.2.4-doctype: the MSO docType must be the expected one', async () => {
    const r = await verifyIssuerSigned(await craft({ mso: (m) => m.set('docType', 'eu.europa.ec.eudi.pid.1') }), {
      trustAnchors: [pki.iaca.certificate],
      ctx: pki.ctx,
      docType: MDL,
    });
    expect(r.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DOCTYPE_MISMATCH']);
  });

  it('18013-5-8.3.2.1.2.2-random-length: random shorter than 16 bytes is refused', async () => {
    const item = new Map<string, unknown>([
      ['digestID', 1],
      ['random', new Uint8Array(8)],
      ['elementIdentifier', 'family_name'],
      ['elementValue', 'Doe'],
    ]);
    expect(await codes(await craft({ items: [item] }))).toEqual(['ERR_MDOC_RANDOM_TOO_SHORT']);
  });

  it('18013-5-9.3.1-duplicate-element: one element disclosed twice under two digestIDs is refused', async () => {
    const item = (digestID: number, value: string) =>
      new Map<string, unknown>([
        ['digestID', digestID],
        ['random', new Uint8Array(16).fill(digestID)],
        ['elementIdentifier', 'family_name'],
        ['elementValue', value],
      ]);
    // Both digests are in the MSO and match: only the repeated identifier is wrong.
    expect(await codes(await craft({ items: [item(1, 'Doe'), item(2, 'Roe')] }))).toEqual(['ERR_MDOC_ELEMENT_DUPLICATE']);
  });

  it('18013-5-9.3.1-duplicate-digest-id: two items with one digestID are refused', async () => {
    const a = new Map<string, unknown>([
      ['digestID', 1],
      ['random', new Uint8Array(16).fill(3)],
      ['elementIdentifier', 'family_name'],
      ['elementValue', 'Doe'],
    ]);
    const b = new Map<string, unknown>([
      ['digestID', 1],
      ['random', new Uint8Array(16).fill(4)],
      ['elementIdentifier', 'given_name'],
      ['elementValue', 'John'],
    ]);
    // The MSO holds one digest for ID 1 (the second item's): the first item mismatches, the second is a duplicate.
    expect(await codes(await craft({ items: [a, b] }))).toEqual(['ERR_MDOC_DIGEST_MISMATCH', 'ERR_MDOC_DIGEST_ID_DUPLICATE']);
  });

  it('18013-5-9.3.1-digest-missing: an item without a value digest is refused', async () => {
    const bytes = await craft({ mso: (m) => m.set('valueDigests', new Map([[NS, new Map([[99, new Uint8Array(32)]])]])) });
    expect(await codes(bytes)).toEqual(['ERR_MDOC_DIGEST_MISSING']);
  });

  it('rfc9052-alg-protected: alg only in the unprotected header is refused', async () => {
    const bytes = await craft({
      protectedBytes: new Uint8Array(0),
      unprotected: new Map<number, unknown>([
        [1, -7],
        [33, pki.ds.certificate.der],
      ]) as CborMap,
    });
    expect(await codes(bytes)).toEqual(['ERR_MDOC_COSE_ALG_MISSING']);
  });

  it('rfc9052-4.4-protected-bytes: the signature covers the protected header as received', async () => {
    // Same header map {1: -7}, encoded with a non-preferred integer: the signature still verifies
    // because the received bytes are used; a verifier that re-encodes would fail here.
    const bytes = await craft({ protectedBytes: Uint8Array.of(0xa1, 0x01, 0x38, 0x06) });
    const r = await verify(bytes);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code)).toEqual(['WARN_MDOC_CBOR_NOT_PREFERRED']);
  });

  it('rfc9360-2-x5chain: a one-element array and a missing x5chain are refused', async () => {
    expect(await codes(await craft({ unprotected: new Map([[33, [pki.ds.certificate.der]]]) as CborMap }))).toEqual(['ERR_MDOC_X5CHAIN_INVALID']);
    expect(await codes(await craft({ unprotected: new Map() }))).toEqual(['ERR_MDOC_X5CHAIN_MISSING']);
  });

  it('18013-5-9.3.1-signed-within-ds-validity', async () => {
    const bytes = await craft({
      mso: (m) => (m.get('validityInfo') as Map<string, unknown>).set('signed', tdate(new Date(pki.ds.certificate.notBefore.getTime() - 86_400_000))),
    });
    expect(await codes(bytes)).toEqual(['ERR_MDOC_SIGNED_OUTSIDE_CERT_VALIDITY']);
  });
});

describe('DeviceResponse rules', () => {
  let issued: Uint8Array;
  let transcript: Uint8Array;
  beforeAll(async () => {
    issued = await issueTestMdl(pki);
    transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'abc' }, pki.ctx);
  });
  const opts = () => ({ trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });
  const response = () =>
    presentMdoc({ issuerSigned: issued, disclose: [[NS, 'family_name']], deviceSigner: deviceSigner(pki), sessionTranscript: transcript, ctx: pki.ctx });

  function edit(bytes: Uint8Array, fn: (top: Map<string, unknown>, doc: Map<string, unknown>) => void): Uint8Array {
    const top = decodeCbor(bytes) as Map<string, unknown>;
    const doc = (top.get('documents') as Array<Map<string, unknown>>)[0] as Map<string, unknown>;
    fn(top, doc);
    return encodeCbor(top);
  }

  it('18013-5-8.3.2.1.2.2-status: a non-zero status is refused', async () => {
    const bytes = edit(await response(), (top) => top.set('status', 10));
    expect((await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_RESPONSE_STATUS']);
  });

  it('18013-5-8.3.2.1.2.2-no-documents', async () => {
    const bytes = edit(await response(), (top) => top.delete('documents'));
    expect((await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_NO_DOCUMENTS']);
  });

  it('18013-5-9.1.3-device-signed-missing', async () => {
    const bytes = edit(await response(), (_t, doc) => doc.delete('deviceSigned'));
    expect((await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_AUTH_MISSING']);
  });

  it('18013-5-9.1.3-device-auth-both: deviceSignature and deviceMac together are refused', async () => {
    const bytes = edit(await response(), (_t, doc) => {
      const auth = (doc.get('deviceSigned') as Map<string, unknown>).get('deviceAuth') as Map<string, unknown>;
      auth.set('deviceMac', [Uint8Array.of(0xa1, 0x01, 0x05), new Map(), null, new Uint8Array(32)]);
    });
    expect((await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_AUTH_MISSING']);
  });

  it('18013-5-9.1.3.6-detached-payload: an embedded different payload is refused', async () => {
    const bytes = edit(await response(), (_t, doc) => {
      const auth = (doc.get('deviceSigned') as Map<string, unknown>).get('deviceAuth') as Map<string, unknown>;
      const sig = auth.get('deviceSignature') as unknown[];
      sig[2] = new Uint8Array([1, 2, 3]);
    });
    expect((await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code)).toEqual(['ERR_MDOC_DEVICE_AUTH_PAYLOAD']);
  });

  it('18013-5-9.1.3-doctype-binding: the document docType must match the MSO', async () => {
    const bytes = edit(await response(), (_t, doc) => doc.set('docType', 'org.example.other'));
    const codesFound = (await verifyDeviceResponse(bytes, opts()))[0]?.errors.map((e) => e.code);
    expect(codesFound).toContain('ERR_MDOC_DOCTYPE_MISMATCH');
  });

  it('the received IssuerSigned survives a parse unchanged', () => {
    expect(parseIssuerSigned(issued).mso.docType).toBe(MDL);
  });
});

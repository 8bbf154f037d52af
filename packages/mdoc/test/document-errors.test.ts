/**
 * DeviceResponse `documentErrors` and `status` (ISO/IEC 18013-5 §8.3.2.1.2.2/.3) on real,
 * really signed responses: reported on every result, strict in shape, bounded in size.
 */
import { ComityError } from '@comity/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, type MdocVerificationResult, presentMdoc, verifyDeviceResponse, verifyDeviceResponseOrThrow } from '../src/index.js';
import { decodeCbor, encodeCbor, RawCbor } from '../src/internal/cbor.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, type Pki } from './fixtures.js';

const PID = 'eu.europa.ec.eudi.pid.1';

let pki: Pki;
let transcript: Uint8Array;
let presented: Uint8Array;
beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'doc-errors' }, pki.ctx);
  const issued = await issueTestMdl(pki);
  presented = await presentMdoc({
    issuerSigned: issued,
    disclose: [[NS, 'family_name']],
    deviceSigner: deviceSigner(pki),
    sessionTranscript: transcript,
    ctx: pki.ctx,
  });
});

const opts = () => ({ trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });

/** The presented response with its top-level map edited (documents and signatures untouched). */
function edit(fn: (top: Map<string, unknown>) => void): Uint8Array {
  const top = decodeCbor(presented) as Map<string, unknown>;
  fn(top);
  return encodeCbor(top);
}

const withErrors = (documentErrors: unknown) => edit((top) => top.set('documentErrors', documentErrors));
const onlyErrors = (documentErrors: unknown) =>
  edit((top) => {
    top.delete('documents');
    top.set('documentErrors', documentErrors);
  });

async function verify(bytes: Uint8Array): Promise<MdocVerificationResult[]> {
  return verifyDeviceResponse(bytes, opts());
}
const codesOf = (results: MdocVerificationResult[]) => results.map((r) => r.errors.map((e) => e.code));

describe('18013-5-8.3.2.1.2.2-document-errors: reported', () => {
  it('a valid document alongside documentErrors: the document verifies and the errors are reported on it', async () => {
    const results = await verify(withErrors([new Map([[PID, 0]])]));
    expect(codesOf(results)).toEqual([[]]);
    expect(results[0]?.valid).toBe(true);
    expect(results[0]?.documentErrors).toEqual([{ docType: PID, code: 0 }]);
    expect(results[0]?.responseStatus).toBeUndefined();
  });

  it('only documentErrors: nothing presented (ERR_MDOC_NO_DOCUMENTS), with what the wallet said', async () => {
    const results = await verify(onlyErrors([new Map([[MDL, 0]])]));
    expect(results).toHaveLength(1);
    expect(results[0]?.valid).toBe(false);
    expect(codesOf(results)).toEqual([['ERR_MDOC_NO_DOCUMENTS']]);
    expect(results[0]?.documentErrors).toEqual([{ docType: MDL, code: 0 }]);
  });

  it('every entry of every map, in order, negative codes included (ErrorCode is int)', async () => {
    const errors = [
      new Map<string, number>([
        [MDL, 0],
        [PID, 10],
      ]),
      new Map([['org.example.loyalty', -3]]),
    ];
    const results = await verify(onlyErrors(errors));
    expect(results[0]?.documentErrors).toEqual([
      { docType: MDL, code: 0 },
      { docType: PID, code: 10 },
      { docType: 'org.example.loyalty', code: -3 },
    ]);
  });

  it('64 entries is the bound, still accepted', async () => {
    const errors = Array.from({ length: 64 }, (_, i) => new Map([[`org.example.${i}`, 0]]));
    const results = await verify(withErrors(errors));
    expect(codesOf(results)).toEqual([[]]);
    expect(results[0]?.documentErrors).toHaveLength(64);
  });

  it('the throwing variant carries documentErrors in details', async () => {
    const error = await verifyDeviceResponseOrThrow(onlyErrors([new Map([[MDL, 0]])]), opts()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ComityError);
    expect((error as ComityError).code).toBe('ERR_MDOC_NO_DOCUMENTS');
    expect((error as ComityError).details.documentErrors).toEqual([{ docType: MDL, code: 0 }]);
  });
});

describe('18013-5-8.3.2.1.2.2-document-errors: malformed is refused (ERR_MDOC_STRUCTURE)', () => {
  const cases: Array<[string, unknown]> = [
    ['a map, not an array', new Map([[MDL, 0]])],
    ['a text string', 'org.iso.18013.5.1.mDL'],
    ['null', null],
    ['an empty array', []],
    ['an element that is not a map', [[MDL, 0]]],
    ['an empty DocumentError map', [new Map()]],
    ['a text ErrorCode', [new Map([[MDL, '0']])]],
    ['a float ErrorCode (1.0)', [new Map([[MDL, new RawCbor(Uint8Array.of(0xfb, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0))]])]],
    ['an ErrorCode beyond 2^53', [new Map([[MDL, new RawCbor(Uint8Array.of(0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))]])]],
    ['a boolean ErrorCode', [new Map([[MDL, false]])]],
    ['a null ErrorCode', [new Map([[MDL, null]])]],
    ['an integer docType', [new Map([[1, 0]])]],
    ['a negative-integer docType', [new Map([[-1, 0]])]],
    ['65 maps', Array.from({ length: 65 }, (_, i) => new Map([[`org.example.${i}`, 0]]))],
    ['one map of 65 entries', [new Map(Array.from({ length: 65 }, (_, i) => [`org.example.${i}`, 0]))]],
    ['a 10 000-character docType', [new Map([['x'.repeat(10_000), 0]])]],
  ];
  for (const [name, value] of cases) {
    it(`${name}, with a valid document beside it`, async () => {
      const results = await verify(withErrors(value));
      expect(codesOf(results)).toEqual([['ERR_MDOC_STRUCTURE']]);
      expect(results[0]?.errors[0]?.path?.[0]).toBe('documentErrors');
      expect(results[0]?.documentErrors).toBeUndefined();
    });
  }

  it('100 000 maps, with a valid document beside it: past the CBOR item bound, refused before it is built', async () => {
    const results = await verify(withErrors(Array.from({ length: 100_000 }, () => new Map([[MDL, 0]]))));
    expect(codesOf(results)).toEqual([['ERR_MDOC_CBOR_TOO_LARGE']]);
    expect(results[0]?.documentErrors).toBeUndefined();
  });

  it('malformed documentErrors and no documents: malformed, not "nothing presented"', async () => {
    expect(codesOf(await verify(onlyErrors([])))).toEqual([['ERR_MDOC_STRUCTURE']]);
  });

  it('CBOR undefined as documentErrors is not "absent"', async () => {
    const bytes = edit((top) => top.set('documentErrors', new RawCbor(Uint8Array.of(0xf7))));
    expect(codesOf(await verify(bytes))).toEqual([['ERR_MDOC_STRUCTURE']]);
  });
});

describe('18013-5-8.3.2.1.2.3-status: a non-zero status is reported with its value', () => {
  it('status 10 with documentErrors: ERR_MDOC_RESPONSE_STATUS, responseStatus and documentErrors', async () => {
    const bytes = edit((top) => {
      top.delete('documents');
      top.set('documentErrors', [new Map([[MDL, 0]])]);
      top.set('status', 10);
    });
    const results = await verify(bytes);
    expect(codesOf(results)).toEqual([['ERR_MDOC_RESPONSE_STATUS']]);
    expect(results[0]?.responseStatus).toBe(10);
    expect(results[0]?.documentErrors).toEqual([{ docType: MDL, code: 0 }]);
  });

  it('status 11 with documents: the documents are not verified, the status is reported', async () => {
    const results = await verify(edit((top) => top.set('status', 11)));
    expect(codesOf(results)).toEqual([['ERR_MDOC_RESPONSE_STATUS']]);
    expect(results[0]?.responseStatus).toBe(11);
    expect(results[0]?.claims).toEqual({});
  });
});

describe('18013-5-8.3.2.1.2.2-element-errors: a document says which elements it did not return', () => {
  const withElementErrors = (errors: unknown) =>
    edit((top) => {
      const doc = (top.get('documents') as Map<string, unknown>[])[0] as Map<string, unknown>;
      doc.set('errors', errors);
    });

  it('reported on that document, in order, the document still valid', async () => {
    const errors = new Map([
      [
        NS,
        new Map<string, number>([
          ['portrait', 0],
          ['driving_privileges', 0],
        ]),
      ],
      [PID, new Map([['nationality', 10]])],
    ]);
    const results = await verify(withElementErrors(errors));
    expect(codesOf(results)).toEqual([[]]);
    expect(results[0]?.elementErrors).toEqual([
      { namespace: NS, element: 'portrait', code: 0 },
      { namespace: NS, element: 'driving_privileges', code: 0 },
      { namespace: PID, element: 'nationality', code: 10 },
    ]);
    // Absent when the document carries none.
    expect((await verify(presented))[0]?.elementErrors).toBeUndefined();
  });

  it.each([
    ['an array', [new Map([[NS, new Map([['portrait', 0]])]])]],
    ['an empty map', new Map()],
    ['empty ErrorItems', new Map([[NS, new Map()]])],
    ['a non-text namespace', new Map([[7, new Map([['portrait', 0]])]])],
    ['a non-text element', new Map([[NS, new Map([[7, 0]])]])],
    ['a float code', new Map([[NS, new Map([['portrait', 1.5]])]])],
    ['a text code', new Map([[NS, new Map([['portrait', '0']])]])],
    ['too many entries', new Map([[NS, new Map(Array.from({ length: 1025 }, (_, i) => [`e${i}`, 0]))]])],
    ['an over-long element identifier', new Map([[NS, new Map([['x'.repeat(300), 0]])]])],
  ])('malformed errors (%s) is ERR_MDOC_STRUCTURE for that document, never a crash', async (_, errors) => {
    const results = await verify(withElementErrors(errors));
    expect(results).toHaveLength(1);
    expect(results[0]?.valid).toBe(false);
    expect(codesOf(results)).toEqual([['ERR_MDOC_STRUCTURE']]);
    expect(results[0]?.claims).toEqual({});
  });
});

/**
 * A wallet says what it does not return (ISO/IEC 18013-5 §8.3.2.1.2.2): presentMdoc's
 * `documentErrors` (DeviceResponse) and per-document `elementErrors` (Document `errors`), in
 * the shape verifyDeviceResponse reads back. Real issuance, real device signatures.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSessionTranscript, type PresentMdocInput, presentMdoc, verifyDeviceResponse, verifyDeviceResponseOrThrow } from '../src/index.js';
import { decodeCbor } from '../src/internal/cbor.js';
import { deviceSigner, issueTestMdl, MDL, makePki, NS, outcomeOf, type Pki } from './fixtures.js';

const PID = 'eu.europa.ec.eudi.pid.1';

let pki: Pki;
let transcript: Uint8Array;
let mdl: Uint8Array;
let pid: Uint8Array;
beforeAll(async () => {
  pki = await makePki();
  transcript = await buildSessionTranscript({ type: 'openid4vp-dcapi', origin: 'https://verifier.example', nonce: 'present-errors' }, pki.ctx);
  mdl = await issueTestMdl(pki);
  pid = await issueTestMdl(pki, { docType: PID, nameSpaces: { [PID]: { family_name: 'Mustermann', nationality: ['DE'] } } });
});

const verifyOptions = () => ({ trustAnchors: [pki.iaca.certificate], sessionTranscript: transcript, ctx: pki.ctx });

/** One mDL disclosing family_name, with whatever else the test adds. */
function present(extra: Record<string, unknown> = {}, docExtra: Record<string, unknown> = {}): Promise<Uint8Array> {
  return presentMdoc({
    issuerSigned: mdl,
    disclose: [[NS, 'family_name']],
    deviceSigner: deviceSigner(pki),
    ...docExtra,
    sessionTranscript: transcript,
    ctx: pki.ctx,
    ...extra,
  } as PresentMdocInput);
}

describe('18013-5-8.3.2.1.2.2-present-errors: round trip', () => {
  it('documentErrors and elementErrors are reported as sent, and the response still verifies', async () => {
    const elementErrors = [
      { namespace: NS, element: 'portrait', code: 0 },
      { namespace: NS, element: 'driving_privileges', code: 0 },
    ];
    const response = await present({ documentErrors: [{ docType: PID, code: 0 }] }, { elementErrors });
    const results = await verifyDeviceResponse(response, verifyOptions());
    expect(results).toHaveLength(1);
    expect(results[0]?.errors).toEqual([]);
    expect(results[0]?.valid).toBe(true);
    expect(results[0]?.claims).toEqual({ [NS]: { family_name: 'Mustermann' } });
    expect(results[0]?.documentErrors).toEqual([{ docType: PID, code: 0 }]);
    expect(results[0]?.elementErrors).toEqual(elementErrors);
    await expect(verifyDeviceResponseOrThrow(response, verifyOptions())).resolves.toHaveLength(1);
  });

  it('ErrorCode is an int: non-zero and negative codes go through unchanged', async () => {
    const documentErrors = [
      { docType: PID, code: 10 },
      { docType: 'org.example.loyalty', code: -3 },
    ];
    const elementErrors = [{ namespace: NS, element: 'portrait', code: 2 ** 40 }];
    const [doc] = await verifyDeviceResponse(await present({ documentErrors }, { elementErrors }), verifyOptions());
    expect(doc?.valid).toBe(true);
    expect(doc?.documentErrors).toEqual(documentErrors);
    expect(doc?.elementErrors).toEqual(elementErrors);
  });

  it('each document carries its own elementErrors; documentErrors are on every result', async () => {
    const response = await presentMdoc({
      documents: [
        {
          issuerSigned: mdl,
          disclose: [[NS, 'family_name']],
          deviceSigner: deviceSigner(pki),
          elementErrors: [{ namespace: NS, element: 'portrait', code: 0 }],
        },
        { issuerSigned: pid, disclose: [[PID, 'nationality']], deviceSigner: deviceSigner(pki) },
      ],
      documentErrors: [{ docType: 'org.example.loyalty', code: 0 }],
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const results = await verifyDeviceResponse(response, verifyOptions());
    expect(results.map((r) => r.valid)).toEqual([true, true]);
    expect(results.map((r) => r.elementErrors)).toEqual([[{ namespace: NS, element: 'portrait', code: 0 }], undefined]);
    expect(results.map((r) => r.documentErrors)).toEqual([[{ docType: 'org.example.loyalty', code: 0 }], [{ docType: 'org.example.loyalty', code: 0 }]]);
  });

  it('nothing requested is returned: a response of documentErrors only, which the verifier reports as such', async () => {
    const response = await presentMdoc({ documents: [], documentErrors: [{ docType: MDL, code: 0 }], sessionTranscript: transcript, ctx: pki.ctx });
    const top = decodeCbor(response) as Map<string, unknown>;
    expect([...top.keys()]).toEqual(['version', 'documentErrors', 'status']);
    const results = await verifyDeviceResponse(response, verifyOptions());
    expect(results.map((r) => r.errors.map((e) => e.code))).toEqual([['ERR_MDOC_NO_DOCUMENTS']]);
    expect(results[0]?.documentErrors).toEqual([{ docType: MDL, code: 0 }]);
    expect(await outcomeOf(presentMdoc({ documents: [], documentErrors: [], sessionTranscript: transcript, ctx: pki.ctx }))).toEqual({
      code: 'ERR_USAGE_MDOC_PRESENT',
      usage: true,
    });
  });

  it('wire shape: one single-entry map per DocumentError, errors grouped by namespace, integer codes; empty lists are left out', async () => {
    const response = await present(
      {
        documentErrors: [
          { docType: PID, code: 0 },
          { docType: 'org.example.loyalty', code: 1 },
        ],
      },
      {
        elementErrors: [
          { namespace: NS, element: 'portrait', code: 0 },
          { namespace: PID, element: 'nationality', code: 0 },
          { namespace: NS, element: 'sex', code: 0 },
        ],
      },
    );
    const top = decodeCbor(response) as Map<string, unknown>;
    expect([...top.keys()]).toEqual(['version', 'documents', 'documentErrors', 'status']);
    expect(top.get('documentErrors')).toEqual([new Map([[PID, 0]]), new Map([['org.example.loyalty', 1]])]);
    const doc = (top.get('documents') as Map<string, unknown>[])[0];
    expect(doc?.get('errors')).toEqual(
      new Map([
        [
          NS,
          new Map([
            ['portrait', 0],
            ['sex', 0],
          ]),
        ],
        [PID, new Map([['nationality', 0]])],
      ]),
    );
    const [result] = await verifyDeviceResponse(response, verifyOptions());
    expect(result?.elementErrors?.map((e) => e.element)).toEqual(['portrait', 'sex', 'nationality']);

    const plain = decodeCbor(await present({ documentErrors: [] }, { elementErrors: [] })) as Map<string, unknown>;
    expect([...plain.keys()]).toEqual(['version', 'documents', 'status']);
    expect([...((plain.get('documents') as Map<string, unknown>[])[0]?.keys() ?? [])]).toEqual(['docType', 'issuerSigned', 'deviceSigned']);
  });
});

describe('18013-5-8.3.2.1.2.2-present-errors: an element error is for an element not returned', () => {
  it('a disclosed element cannot also be an error (ERR_USAGE_MDOC_ERRORS)', async () => {
    expect(await outcomeOf(present({}, { elementErrors: [{ namespace: NS, element: 'family_name', code: 0 }] }))).toEqual({
      code: 'ERR_USAGE_MDOC_ERRORS',
      usage: true,
    });
  });

  it('a device-signed element cannot also be an error (ERR_USAGE_MDOC_ERRORS)', async () => {
    const docExtra = { deviceNameSpaces: { [NS]: { nickname: 'E' } }, elementErrors: [{ namespace: NS, element: 'nickname', code: 0 }] };
    expect(await outcomeOf(present({}, docExtra))).toEqual({ code: 'ERR_USAGE_MDOC_ERRORS', usage: true });
  });

  it('requested but not held: disclosing it returns nothing, so the error is allowed', async () => {
    const response = await presentMdoc({
      issuerSigned: pid,
      disclose: [
        [PID, 'nationality'],
        [PID, 'birth_date'],
      ],
      elementErrors: [{ namespace: PID, element: 'birth_date', code: 0 }],
      deviceSigner: deviceSigner(pki),
      sessionTranscript: transcript,
      ctx: pki.ctx,
    });
    const [doc] = await verifyDeviceResponse(response, verifyOptions());
    expect(doc?.valid).toBe(true);
    expect(doc?.claims).toEqual({ [PID]: { nationality: ['DE'] } });
    expect(doc?.elementErrors).toEqual([{ namespace: PID, element: 'birth_date', code: 0 }]);
  });
});

describe('18013-5-8.3.2.1.2.2-present-errors: malformed lists are the caller mistake ERR_USAGE_MDOC_ERRORS', () => {
  const docErrors: Array<[string, unknown]> = [
    ['a map, not a list', { [PID]: 0 }],
    ['null', null],
    ['a null entry', [null]],
    ['an array entry', [[PID, 0]]],
    ['a missing code', [{ docType: PID }]],
    ['a text code', [{ docType: PID, code: '0' }]],
    ['a fractional code', [{ docType: PID, code: 1.5 }]],
    ['a NaN code', [{ docType: PID, code: Number.NaN }]],
    ['a code beyond 2^53', [{ docType: PID, code: 2 ** 53 }]],
    ['a bigint code', [{ docType: PID, code: 0n }]],
    ['an empty docType', [{ docType: '', code: 0 }]],
    ['a number docType', [{ docType: 7, code: 0 }]],
    ['a 300-character docType', [{ docType: 'x'.repeat(300), code: 0 }]],
    [
      'a docType twice',
      [
        { docType: PID, code: 0 },
        { docType: PID, code: 10 },
      ],
    ],
    ['65 entries', Array.from({ length: 65 }, (_, i) => ({ docType: `org.example.${i}`, code: 0 }))],
  ];
  it.each(docErrors)('documentErrors: %s', async (_, documentErrors) => {
    expect(await outcomeOf(present({ documentErrors }))).toEqual({ code: 'ERR_USAGE_MDOC_ERRORS', usage: true });
  });

  const elementErrors: Array<[string, unknown]> = [
    ['a map, not a list', { [NS]: { portrait: 0 } }],
    ['a null entry', [null]],
    ['a missing element', [{ namespace: NS, code: 0 }]],
    ['a text code', [{ namespace: NS, element: 'portrait', code: '0' }]],
    ['a fractional code', [{ namespace: NS, element: 'portrait', code: 0.5 }]],
    ['an infinite code', [{ namespace: NS, element: 'portrait', code: Number.POSITIVE_INFINITY }]],
    ['an empty namespace', [{ namespace: '', element: 'portrait', code: 0 }]],
    ['a number element', [{ namespace: NS, element: 7, code: 0 }]],
    ['a 300-character element', [{ namespace: NS, element: 'x'.repeat(300), code: 0 }]],
    [
      'an element twice',
      [
        { namespace: NS, element: 'portrait', code: 0 },
        { namespace: NS, element: 'portrait', code: 0 },
      ],
    ],
    ['1025 entries', Array.from({ length: 1025 }, (_, i) => ({ namespace: NS, element: `e${i}`, code: 0 }))],
  ];
  it.each(elementErrors)('elementErrors: %s', async (_, errors) => {
    expect(await outcomeOf(present({}, { elementErrors: errors }))).toEqual({ code: 'ERR_USAGE_MDOC_ERRORS', usage: true });
  });

  it('the bounds themselves are accepted and verify: 64 documentErrors, 1024 elementErrors', async () => {
    const documentErrors = Array.from({ length: 64 }, (_, i) => ({ docType: `org.example.${i}`, code: 0 }));
    const elementErrors = Array.from({ length: 1024 }, (_, i) => ({ namespace: NS, element: `e${i}`, code: 0 }));
    const [doc] = await verifyDeviceResponse(await present({ documentErrors }, { elementErrors }), verifyOptions());
    expect(doc?.valid).toBe(true);
    expect(doc?.documentErrors).toHaveLength(64);
    expect(doc?.elementErrors).toHaveLength(1024);
  });
});

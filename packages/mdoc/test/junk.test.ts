/**
 * Junk input against every public parse/verify function: each gives a ComityError code (or an
 * invalid result carrying codes), never a crash, an internal error or a hang.
 */
import { ComityError, ComityUsageError, createContext } from '@comity/core';
import { describe, expect, it } from 'vitest';
import {
  decodeCoseMac0,
  decodeCoseSign1,
  inspectMdoc,
  normalizeSessionTranscript,
  parseIssuerSigned,
  parseMso,
  verifyDeviceResponse,
  verifyDeviceResponseOrThrow,
  verifyIssuerSigned,
} from '../src/index.js';
import { vectorCert, vectorHex } from './helpers.js';

const annexD = vectorHex('iso18013-5-annexD/device_response.hex');
const issuerSignedD = vectorHex('isomdl/definitions/issuer_signed.hex');
const te = new TextEncoder();

function nested(depth: number): Uint8Array {
  const out = new Uint8Array(depth + 1).fill(0x81);
  out[depth] = 0x00;
  return out;
}

const junk: Array<[string, unknown, RegExp]> = [
  ['empty', new Uint8Array(0), /^ERR_MDOC_CBOR_TRUNCATED$/],
  ['truncated response (half)', annexD.subarray(0, annexD.length >> 1), /^ERR_MDOC_CBOR_TRUNCATED$/],
  ['truncated response (last byte)', annexD.subarray(0, annexD.length - 1), /^ERR_MDOC_CBOR_TRUNCATED$/],
  ['trailing byte', Uint8Array.from([...annexD, 0x00]), /^ERR_MDOC_CBOR_TRAILING_BYTES$/],
  ['oversized input (9 MiB)', new Uint8Array(9 * 1024 * 1024), /^ERR_MDOC_CBOR_TOO_LARGE$/],
  ['array claiming 2^32 items', Uint8Array.of(0x9b, 0, 0, 0, 1, 0, 0, 0, 0), /^ERR_MDOC_CBOR_(TOO_LARGE|TRUNCATED)$/],
  ['map claiming 2^31 entries', Uint8Array.of(0xba, 0x80, 0, 0, 0), /^ERR_MDOC_CBOR_TRUNCATED$/],
  ['bstr claiming 2^64-1 bytes', Uint8Array.of(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), /^ERR_MDOC_CBOR_(TOO_LARGE|TRUNCATED)$/],
  ['deeply nested arrays (100k)', nested(100_000), /^ERR_MDOC_CBOR_TOO_DEEP$/],
  ['deeply nested tag 24', Uint8Array.from([...new Array(5000).fill([0xd8, 0x18]).flat(), 0x00]), /^ERR_MDOC_CBOR_(TOO_DEEP|MALFORMED)$/],
  ['indefinite-length array', Uint8Array.of(0x9f, 0x01, 0xff), /^ERR_MDOC_CBOR_INDEFINITE_LENGTH$/],
  ['lone break', Uint8Array.of(0xff), /^ERR_MDOC_CBOR_INDEFINITE_LENGTH$/],
  ['duplicate map key', Uint8Array.of(0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02), /^ERR_MDOC_CBOR_DUPLICATE_KEY$/],
  ['shared-reference tag 28', Uint8Array.of(0xd8, 0x1c, 0x80), /^ERR_MDOC_CBOR_UNSUPPORTED$/],
  ['array map key', Uint8Array.of(0xa1, 0x80, 0x01), /^ERR_MDOC_CBOR_UNSUPPORTED$/],
  ['invalid UTF-8 text', Uint8Array.of(0x62, 0xc3, 0x28), /^ERR_MDOC_CBOR_UTF8$/],
  ['reserved additional info', Uint8Array.of(0x1c), /^ERR_MDOC_CBOR_MALFORMED$/],
  ['integer instead of a map', Uint8Array.of(0x01), /^ERR_MDOC_(STRUCTURE|COSE_INVALID)$/],
  ['text instead of a map', te.encode('\x63abc'), /^ERR_MDOC_(STRUCTURE|COSE_INVALID)$/],
  [
    'map with wrong member types',
    Uint8Array.of(0xa2, 0x67, ...te.encode('version'), 0x01, 0x66, ...te.encode('status'), 0x61, 0x30),
    /^ERR_MDOC_(STRUCTURE|COSE_INVALID)$/,
  ],
  ['not bytes at all (string)', 'a1617801', /^ERR_MDOC_CBOR_MALFORMED$/],
  ['not bytes at all (null)', null, /^ERR_MDOC_CBOR_MALFORMED$/],
];

const parsers: Array<[string, (b: Uint8Array) => unknown]> = [
  ['decodeCoseSign1', (b) => decodeCoseSign1(b)],
  ['decodeCoseMac0', (b) => decodeCoseMac0(b)],
  ['parseIssuerSigned', (b) => parseIssuerSigned(b)],
  ['parseMso', (b) => parseMso(b)],
  ['inspectMdoc', (b) => inspectMdoc(b)],
  ['normalizeSessionTranscript', (b) => normalizeSessionTranscript(b)],
];

describe('junk input: parse functions throw ComityError codes', () => {
  for (const [fn, call] of parsers) {
    it.each(junk)(`${fn}: %s`, (_name, input, code) => {
      let thrown: unknown;
      try {
        call(input as Uint8Array);
      } catch (e) {
        thrown = e;
      }
      if (fn === 'normalizeSessionTranscript' && !(input instanceof Uint8Array)) {
        // The transcript comes from the verifier's own code: a non-byte value is a caller mistake.
        expect(thrown).toBeInstanceOf(ComityUsageError);
        return;
      }
      expect(thrown).toBeInstanceOf(ComityError);
      const c = (thrown as ComityError).code;
      // normalizeSessionTranscript wraps decoding failures in its own code.
      expect(
        fn === 'normalizeSessionTranscript'
          ? /^ERR_MDOC_SESSION_TRANSCRIPT$/.test(c) || code.test(c)
          : code.test(c) || /^ERR_MDOC_(STRUCTURE|COSE_INVALID|MSO_NOT_TAG24|COSE_KEY_INVALID|TDATE_INVALID)$/.test(c),
      ).toBe(true);
    });
  }
});

describe('junk input: verify functions return invalid results with codes', async () => {
  const iaca = await vectorCert('iso18013-5-annexD/iaca_cert.hex');
  const ctx = createContext({ now: () => new Date('2021-01-01T00:00:00Z') });
  const sessionTranscript = vectorHex('iso18013-5-annexD/session_transcript_bytes.hex');
  const opts = { trustAnchors: [iaca], sessionTranscript, ctx };

  it.each(junk)('verifyDeviceResponse / verifyIssuerSigned / OrThrow: %s', async (_name, input) => {
    for (const results of [await verifyDeviceResponse(input as Uint8Array, opts), [await verifyIssuerSigned(input as Uint8Array, opts)]]) {
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) {
        expect(r.valid).toBe(false);
        expect(r.errors.length).toBeGreaterThan(0);
        for (const e of r.errors) expect(e.code).toMatch(/^ERR_(MDOC|X509)_/);
      }
    }
    await expect(verifyDeviceResponseOrThrow(input as Uint8Array, opts)).rejects.toBeInstanceOf(ComityError);
  });

  it('single-byte mutations of the Annex D response never crash or leak internal errors', async () => {
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    for (let i = 0; i < 400; i++) {
      const mutated = new Uint8Array(annexD);
      const at = Math.floor(rand() * mutated.length);
      mutated[at] = Math.floor(rand() * 256);
      const results = await verifyDeviceResponse(mutated, { ...opts, readerPrivateKey: undefined });
      for (const r of results) for (const e of r.errors) expect(e.code).not.toBe('ERR_INTERNAL');
      const view = (() => {
        try {
          return inspectMdoc(mutated);
        } catch (e) {
          expect(e).toBeInstanceOf(ComityError);
          return undefined;
        }
      })();
      if (view !== undefined) expect(typeof JSON.stringify(view)).toBe('string');
    }
  });

  it('single-byte mutations of an IssuerSigned', async () => {
    for (let at = 0; at < issuerSignedD.length; at += 7) {
      const mutated = new Uint8Array(issuerSignedD);
      mutated[at] = (mutated[at] as number) ^ 0x5a;
      const r = await verifyIssuerSigned(mutated, opts);
      for (const e of r.errors) expect(e.code).not.toBe('ERR_INTERNAL');
    }
  });
});

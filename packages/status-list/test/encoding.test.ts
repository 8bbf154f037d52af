import { createContext, fromHex, toHex } from '@comity/core';
import { describe, expect, it } from 'vitest';
import { decodeStatusList, decodeStatusListCbor, encodeStatusList, encodeStatusListCbor, StatusList, verifyStatusListJwt } from '../src/index.js';
import { appendixC, example, exampleByteArray, exampleHex, exampleJson, exampleKey } from './vectors.js';

describe('draft-20 §4.1 compressed byte array', () => {
  it('status-list-4.1-bits1-example: statuses 0..15 pack into 0xB9 0xA3 and compress to 78dadbb918000217015d', () => {
    const values = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    const list = new StatusList(16, 1);
    for (const [i, v] of values.entries()) list.set(i, v);
    expect(toHex(list.toBytes())).toBe('b9a3');
    expect(toHex(fromBase64urlLst(encodeStatusList(list).lst))).toBe('78dadbb918000217015d');
  });

  it('status-list-4.1-bits2-example: 12 two-bit statuses pack into 0xC9 0x44 0xF9 and compress to 78da3be9f2130003df0207', () => {
    const values = [0b01, 0b10, 0b00, 0b11, 0b00, 0b01, 0b00, 0b01, 0b01, 0b10, 0b11, 0b11];
    const list = new StatusList(12, 2);
    for (const [i, v] of values.entries()) list.set(i, v);
    expect(toHex(list.toBytes())).toBe('c944f9');
    expect(toHex(fromBase64urlLst(encodeStatusList(list).lst))).toBe('78da3be9f2130003df0207');
    const decoded = decodeStatusList(encodeStatusList(list)).list;
    expect(values.map((_, i) => decoded.get(i))).toEqual(values);
  });
});

describe('draft-20 §4.2 JSON and §4.3 CBOR examples', () => {
  for (const [jsonFile, cborFile] of [
    ['status_list_encoding_json.md', 'status_list_encoding_cbor.md'],
    ['status_list_encoding2_json.md', 'status_list_encoding2_cbor.md'],
  ] as const) {
    it(`status-list-4.2-json ${jsonFile}: encode reproduces the lst, decode reproduces the byte array`, () => {
      const bytes = exampleByteArray(jsonFile);
      const expected = exampleJson(jsonFile);
      const bits = expected.bits as 1 | 2;
      expect(encodeStatusList(StatusList.fromBytes(bytes, bits))).toEqual(expected);
      const { list } = decodeStatusList(expected);
      expect(list.bits).toBe(bits);
      expect(toHex(list.toBytes())).toBe(toHex(bytes));
    });

    it(`status-list-4.3-cbor ${cborFile}: encode reproduces the CBOR bytes, decode reproduces the byte array`, () => {
      const bytes = exampleByteArray(cborFile);
      const hex = exampleHex(cborFile);
      const bits = exampleJson(jsonFile).bits as 1 | 2;
      expect(toHex(encodeStatusListCbor(StatusList.fromBytes(bytes, bits)))).toBe(hex);
      expect(toHex(decodeStatusListCbor(fromHex(hex)).list.toBytes())).toBe(toHex(bytes));
    });
  }

  it('status-list-4.3-cbor-diag: the annotated example is the same CBOR as the hex example', () => {
    const diag = example('status_list_encoding_cbor_diag.md');
    expect(diag).toContain('78dadbb918000217015d');
    expect(exampleHex('status_list_encoding_cbor.md')).toBe('a2646269747301636c73744a78dadbb918000217015d');
  });
});

describe('draft-20 Appendix C test vectors (2^20 entries)', () => {
  for (const vector of appendixC) {
    const build = (): StatusList => {
      const list = new StatusList(vector.size, vector.bits);
      for (const [index, value] of vector.statuses) list.set(index, value);
      return list;
    };

    it(`status-list-appendix-${vector.section}-json bits=${vector.bits}: encode gives the draft's lst exactly`, () => {
      expect(encodeStatusList(build())).toEqual(exampleJson(vector.json));
    });

    it(`status-list-appendix-${vector.section}-cbor bits=${vector.bits}: encode gives the draft's CBOR exactly`, () => {
      expect(toHex(encodeStatusListCbor(build()))).toBe(exampleHex(vector.cbor));
    });

    it(`status-list-appendix-${vector.section}-decode bits=${vector.bits}: JSON and CBOR decode to the listed statuses, all others VALID`, () => {
      const expected = build().toBytes();
      const fromJson = decodeStatusList(exampleJson(vector.json)).list;
      const fromCbor = decodeStatusListCbor(fromHex(exampleHex(vector.cbor))).list;
      expect(fromJson.size).toBe(vector.size);
      expect(Buffer.compare(fromJson.toBytes(), expected)).toBe(0);
      expect(Buffer.compare(fromCbor.toBytes(), expected)).toBe(0);
      const listed = new Map(vector.statuses.map(([i, v]) => [i, v]));
      for (const [index, value] of listed) expect(fromJson.get(index)).toBe(value);
      let nonZero = 0;
      for (let i = 0; i < fromJson.size; i++) if (fromJson.get(i) !== 0) nonZero++;
      expect(nonZero).toBe([...listed.values()].filter((v) => v !== 0).length);
    });
  }
});

describe('draft-20 §5.1 JWT example', () => {
  it('status-list-5.1-example-verifies: the §8.2 response token verifies with the example key and reads the §4.1 list', async () => {
    const raw = example('status_list_jwt_raw.md').replace(/\s+/g, '');
    const ctx = createContext({ now: () => new Date(1_686_920_170_000 + 60_000) });
    const verified = await verifyStatusListJwt(raw, { ctx, keys: [exampleKey], uri: 'https://example.com/statuslists/1' });
    expect(verified.token).toEqual({ iat: 1_686_920_170, exp: 2_291_720_170, ttl: 43_200 });
    expect(verified.alg).toBe('ES256');
    expect(toHex(verified.list.toBytes())).toBe('b9a3');
  });

  it('status-list-5.1-example-header: the printed header and claims match the raw token', () => {
    const raw = example('status_list_jwt_raw.md').replace(/\s+/g, '');
    const [h, p] = raw.split('.') as [string, string];
    const printed = example('status_list_jwt.md').split('\n.\n') as [string, string];
    expect(JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))).toEqual(JSON.parse(printed[0]));
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect({ ...payload, iss: undefined }).toEqual({ ...JSON.parse(printed[1]), iss: undefined });
  });

  it('status-list-5.1-example: the payload status_list decodes to the §4.1 bits=1 list', () => {
    const raw = example('status_list_jwt_raw.md').replace(/\s+/g, '');
    const payload = JSON.parse(Buffer.from(raw.split('.')[1] ?? '', 'base64url').toString('utf8')) as { status_list: unknown; sub: string };
    expect(payload.sub).toBe('https://example.com/statuslists/1');
    expect(toHex(decodeStatusList(payload.status_list).list.toBytes())).toBe('b9a3');
  });
});

function fromBase64urlLst(lst: string): Uint8Array {
  return new Uint8Array(Buffer.from(lst, 'base64url'));
}

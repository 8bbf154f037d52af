/**
 * Adversarial review of core's JOSE, encoding and crypto-provider code: JWK checks (RSA integers,
 * Ed25519 small-order and non-canonical keys), RFC 7638 thumbprint input, compact JWS form and
 * algorithm checks, signCompactJws' `alg`, strict JSON (`__proto__`, nesting), and a differential
 * test of the two crypto providers on signature edge cases. Tests assert codes, never messages.
 */
import { generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkKeyForAlg } from '../src/crypto/key-check.js';
import { webCrypto } from '../src/crypto/webcrypto.js';
import {
  base64urlDecode,
  base64urlEncode,
  base64urlEncodeText,
  ComityError,
  type CryptoProvider,
  checkAlgorithm,
  decodeCompactJws,
  defaultCrypto,
  fromHex,
  type Jwk,
  localSigner,
  parseJson,
  parsePublicJwk,
  type SignatureAlgorithm,
  signCompactJws,
  thumbprintInput,
  verifyJwsSignature,
} from '../src/index.js';
import { codeOf } from './code-of.js';

const PROVIDERS: ReadonlyArray<readonly [string, CryptoProvider]> = [
  ['node:crypto', defaultCrypto],
  ['WebCrypto', webCrypto],
];

/** `true`/`false` from verify, or the ComityError code it rejected with; anything else fails the test. */
async function outcome(provider: CryptoProvider, alg: SignatureAlgorithm, key: Jwk, data: Uint8Array, sig: Uint8Array): Promise<string> {
  try {
    return String(await provider.verify(alg, key, data, sig));
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
}

const rsaJwk = (bits: number): { jwk: Jwk; sign: (data: Uint8Array) => Uint8Array } => {
  const pair = generateKeyPairSync('rsa', { modulusLength: bits });
  return { jwk: pair.publicKey.export({ format: 'jwk' }) as Jwk, sign: (data) => new Uint8Array(nodeSign('sha256', data, pair.privateKey)) };
};

describe('parsePublicJwk: RSA integers (RFC 7518 §2, §6.3.1)', () => {
  const rsa2048 = rsaJwk(2048);
  const n = base64urlDecode(rsa2048.jwk.n as string);
  const key = (over: Partial<Jwk>): Jwk => ({ kty: 'RSA', n: rsa2048.jwk.n, e: rsa2048.jwk.e, ...over });

  it('accepts a 2048-bit key with e = 65537 or e = 3', () => {
    expect(codeOf(() => parsePublicJwk(key({})))).toBe('NO_ERROR');
    expect(codeOf(() => parsePublicJwk(key({ e: 'Aw' })))).toBe('NO_ERROR');
  });

  it('rfc7518-6.3.1-minimal-octets: a 1024-bit modulus zero-padded to 256 octets does not pass the 2048-bit floor', async () => {
    const small = rsaJwk(1024);
    const sn = base64urlDecode(small.jwk.n as string);
    const padded = new Uint8Array(256);
    padded.set(sn, 256 - sn.length);
    const weak: Jwk = { kty: 'RSA', n: base64urlEncode(padded), e: small.jwk.e };
    // The providers take the padded modulus as the 1024-bit key it is: the floor must count bits.
    const data = new Uint8Array([1, 2, 3]);
    expect(await outcome(defaultCrypto, 'RS256', weak, data, small.sign(data))).toBe('true');
    expect(codeOf(() => parsePublicJwk(weak))).toBe('ERR_KEY_INVALID');
  });

  it('rfc7518-6.3.1-modulus-bits: a 2047-bit modulus (256 octets, top bit clear) is below the 2048-bit floor', async () => {
    const short = rsaJwk(2047);
    expect(base64urlDecode(short.jwk.n as string).length).toBe(256);
    const data = new Uint8Array([4, 5, 6]);
    expect(await outcome(defaultCrypto, 'RS256', short.jwk, data, short.sign(data))).toBe('true');
    expect(codeOf(() => parsePublicJwk(short.jwk))).toBe('ERR_KEY_INVALID');
  });

  it('rfc7518-2-base64urluint: leading zero octets in n or e are refused (one key, one thumbprint)', () => {
    expect(codeOf(() => parsePublicJwk(key({ n: base64urlEncode(new Uint8Array([0, ...n])) })))).toBe('ERR_KEY_INVALID');
    expect(codeOf(() => parsePublicJwk(key({ e: base64urlEncode(new Uint8Array([0, 1, 0, 1])) })))).toBe('ERR_KEY_INVALID');
  });

  it('refuses an even modulus, a modulus over 16384 bits, and an exponent that is empty, 1, even or over 64 bits', () => {
    const even = n.slice();
    even[even.length - 1] = (even[even.length - 1] as number) & 0xfe;
    const huge = new Uint8Array(2049).fill(0xc3);
    expect(codeOf(() => parsePublicJwk(key({ n: base64urlEncode(even) })))).toBe('ERR_KEY_INVALID');
    expect(codeOf(() => parsePublicJwk(key({ n: base64urlEncode(huge) })))).toBe('ERR_KEY_INVALID');
    for (const e of ['', 'AQ', 'Ag', 'AQAA', base64urlEncode(new Uint8Array(9).fill(1))]) {
      expect(
        codeOf(() => parsePublicJwk(key({ e }))),
        `e=${e}`,
      ).toBe('ERR_KEY_INVALID');
    }
  });
});

// --- Ed25519 arithmetic, an independent reference for the small-order blocklist ---
const P = (1n << 255n) - 19n;
const mod = (a: bigint): bigint => ((a % P) + P) % P;
const pow = (b: bigint, e: bigint): bigint => {
  let r = 1n;
  let x = mod(b);
  for (let k = e; k > 0n; k >>= 1n) {
    if (k & 1n) r = (r * x) % P;
    x = (x * x) % P;
  }
  return r;
};
const inv = (a: bigint): bigint => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
type Point = readonly [bigint, bigint];
const add = ([x1, y1]: Point, [x2, y2]: Point): Point => {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + x2 * y1) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))];
};
const fromY = (y: bigint): Point | undefined => {
  const a = mod((y * y - 1n) * inv(D * y * y + 1n));
  let x = pow(a, (P + 3n) / 8n);
  if (mod(x * x - a) !== 0n) x = (x * pow(2n, (P - 1n) / 4n)) % P;
  return mod(x * x - a) === 0n ? [x, y] : undefined;
};
/** RFC 8032 §5.1.2 encoding of y (any value below 2^255) with x's sign bit. */
const encode = (y: bigint, xOdd: boolean): Uint8Array => {
  const out = new Uint8Array(32);
  let v = y;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (xOdd) out[31] = (out[31] as number) | 0x80;
  return out;
};
const okp = (bytes: Uint8Array): Jwk => ({ kty: 'OKP', crv: 'Ed25519', x: base64urlEncode(bytes) });

describe('Ed25519 keys: small order and non-canonical encodings', () => {
  // An order-8 point (libsodium's blocklist): its multiples are the whole torsion subgroup.
  const y8 = BigInt(`0x${'05fc536d880238b13933c6d305acdfd5f098eff289f4c345b027b2c28f95e826'}`);
  const p8 = fromY(y8) as Point;
  const torsion: Point[] = [];
  for (let q: Point = p8, i = 0; i < 8; i++, q = add(q, p8)) torsion.push(q);

  it('the reference: eight distinct points, each of order dividing 8', () => {
    expect(new Set(torsion.map(([x, y]) => `${x},${y}`)).size).toBe(8);
    for (const t of torsion) {
      let q = t;
      for (let i = 1; i < 8; i++) q = add(q, t);
      expect(q).toEqual([0n, 1n]);
    }
  });

  it('ed25519-small-order: the identity key verifies R = identity, S = 0 for any message unless refused', async () => {
    const identity = okp(encode(1n, false));
    const forged = new Uint8Array([...encode(1n, false), ...new Uint8Array(32)]);
    for (const [name, provider] of PROVIDERS) {
      expect(await outcome(provider, 'EdDSA', identity, new Uint8Array([1, 2, 3]), forged), name).toBe('ERR_KEY_INVALID');
    }
    expect(codeOf(() => parsePublicJwk(identity))).toBe('ERR_KEY_INVALID');
  });

  it('ed25519-small-order: every torsion point, either sign bit, is refused by parsePublicJwk and both providers', async () => {
    const data = new Uint8Array([7]);
    const sig = new Uint8Array(64);
    for (const [x, y] of torsion) {
      for (const odd of [x % 2n === 1n, x % 2n === 0n]) {
        const key = okp(encode(y, odd));
        expect(
          codeOf(() => parsePublicJwk(key)),
          `y=${y}`,
        ).toBe('ERR_KEY_INVALID');
        for (const [name, provider] of PROVIDERS) expect(await outcome(provider, 'EdDSA', key, data, sig), name).toBe('ERR_KEY_INVALID');
      }
    }
  });

  it('rfc8032-5.1.3-y-below-p: an encoding of y + p (a second encoding of a key) is refused', async () => {
    let tried = 0;
    for (let y = 0n; y < 19n; y++) {
      if (fromY(y) === undefined) continue;
      tried++;
      const key = okp(encode(y + P, false));
      expect(
        codeOf(() => parsePublicJwk(key)),
        `y=p+${y}`,
      ).toBe('ERR_KEY_INVALID');
      for (const [name, provider] of PROVIDERS) {
        expect(await outcome(provider, 'EdDSA', key, new Uint8Array([7]), new Uint8Array(64)), `${name} y=p+${y}`).toBe('ERR_KEY_INVALID');
      }
    }
    expect(tried).toBeGreaterThan(5);
  });

  it('a generated Ed25519 key still parses, signs and verifies on both providers', async () => {
    for (const [name, provider] of PROVIDERS) {
      const { privateJwk, publicJwk } = await provider.generateKeyPair('EdDSA');
      const key = parsePublicJwk(publicJwk);
      const data = new Uint8Array([1, 2, 3]);
      const sig = await provider.sign('EdDSA', privateJwk, data);
      for (const [, other] of PROVIDERS) expect(await outcome(other, 'EdDSA', key, data, sig), name).toBe('true');
    }
  });
});

describe('parsePublicJwk: other hostile keys', () => {
  it('refuses curves named after Object.prototype members, and keeps long member values out of details', () => {
    for (const crv of ['__proto__', 'toString', 'constructor', 'hasOwnProperty']) {
      expect(
        codeOf(() => parsePublicJwk({ kty: 'EC', crv, x: 'AA', y: 'AA' })),
        crv,
      ).toBe('ERR_KEY_INVALID');
    }
    const long = 'P-256'.repeat(200);
    for (const jwk of [{ kty: 'EC', crv: long, x: 'AA', y: 'AA' }, { kty: 'OKP', crv: long, x: 'AA' }, { kty: long }]) {
      try {
        parsePublicJwk(jwk);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ComityError);
        expect((e as ComityError).code).toBe('ERR_KEY_INVALID');
        expect(JSON.stringify((e as ComityError).details).length).toBeLessThan(64);
      }
    }
    try {
      checkKeyForAlg('ES256', { kty: long, crv: long });
      expect.unreachable();
    } catch (e) {
      expect((e as ComityError).code).toBe('ERR_KEY_ALG_MISMATCH');
      expect(JSON.stringify((e as ComityError).details).length).toBeLessThan(80);
    }
  });

  it('refuses coordinates that are short, padded, non-canonical base64url or not strings; an off-curve point fails on import', async () => {
    const { publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const x = base64urlDecode(publicJwk.x as string);
    const bad: Array<Partial<Jwk>> = [
      { x: base64urlEncode(x.subarray(1)) },
      { x: base64urlEncode(new Uint8Array([0, ...x])) },
      { x: `${publicJwk.x}=` },
      { x: (publicJwk.x as string).replace(/[A-Za-z]/, '+') },
      { x: 5 as unknown as string },
      { crv: 'P-384' },
    ];
    for (const over of bad)
      expect(
        codeOf(() => parsePublicJwk({ ...publicJwk, ...over })),
        JSON.stringify(over),
      ).not.toBe('NO_ERROR');
    const offCurve = parsePublicJwk({ ...publicJwk, y: base64urlEncode(new Uint8Array(32).fill(7)) });
    for (const [name, provider] of PROVIDERS) {
      expect(await outcome(provider, 'ES256', offCurve, new Uint8Array(1), new Uint8Array(64)), name).toBe('ERR_KEY_INVALID');
    }
  });
});

describe('thumbprintInput (RFC 7638 §3.2)', () => {
  it('refuses a key whose required members are missing or not strings, instead of hashing "undefined"', () => {
    const x = base64urlEncode(new Uint8Array(32).fill(1));
    for (const jwk of [
      { kty: 'EC', crv: 'P-256', x },
      { kty: 'EC', crv: 'P-256', x, y: 5 },
      { kty: 'OKP', x },
      { kty: 'RSA', n: x },
      { kty: 'RSA', n: [x], e: 'AQAB' },
    ]) {
      expect(
        codeOf(() => thumbprintInput(jwk as Jwk)),
        JSON.stringify(jwk),
      ).toBe('ERR_KEY_INVALID');
    }
    expect(thumbprintInput({ kty: 'OKP', crv: 'Ed25519', x, kid: 'k', use: 'sig' })).toBe(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`);
  });
});

describe('signCompactJws', () => {
  it("the protected alg is the signer's, whatever header.alg says", async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
    const signer = localSigner(privateJwk, 'ES256', defaultCrypto);
    for (const alg of ['none', 'ES384', 'HS256']) {
      const token = await signCompactJws({ alg, typ: 'JWT' }, { a: 1 }, signer);
      const jws = decodeCompactJws(token);
      expect(jws.header.alg).toBe('ES256');
      expect(Object.keys(jws.header)).toEqual(['alg', 'typ']);
      expect(await verifyJwsSignature(jws, publicJwk, { algorithms: ['ES256'], crypto: defaultCrypto })).toBe('ES256');
    }
  });
});

describe('decodeCompactJws and checkAlgorithm: hostile tokens', () => {
  const seg = (value: unknown): string => base64urlEncodeText(JSON.stringify(value));
  const sig = base64urlEncode(new Uint8Array(64));
  const p = seg({ a: 1 });

  it('every malformed token is a ComityError with a stable code', () => {
    const table: ReadonlyArray<readonly [string, unknown]> = [
      ['ERR_JWS_MALFORMED', 42],
      ['ERR_JWS_MALFORMED', ''],
      ['ERR_JWS_MALFORMED', '..'],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${p}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${p}.${sig}.`],
      ['ERR_JWS_MALFORMED', `.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}..${sig}`],
      ['ERR_JWS_MALFORMED', `${seg(['alg', 'ES256'])}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg('ES256')}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg(null)}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${seg([1])}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${seg('text')}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 256 })}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({})}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}=.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${p}.${sig}=`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${p}.${sig.slice(0, -1)}B`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${p}.${sig.replace('A', '+')}`],
      ['ERR_JWS_MALFORMED', `${base64urlEncode(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"alg":"ES256"}')]))}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${base64urlEncode(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]))}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${base64urlEncode(new Uint8Array([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x3a, 0x31, 0x7d]))}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${base64urlEncodeText('{"__proto__":{"alg":"ES256"},"alg":"ES256"}')}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${base64urlEncodeText('{"\\u005f_proto__":{"x":1},"alg":"ES256"}')}.${p}.${sig}`],
      ['ERR_JWS_MALFORMED', `${seg({ alg: 'ES256' })}.${base64urlEncodeText(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)}.${sig}`],
      ['ERR_JWS_CRIT_UNSUPPORTED', `${seg({ alg: 'ES256', crit: ['exp'], exp: 1 })}.${p}.${sig}`],
      ['ERR_JWS_CRIT_UNSUPPORTED', `${seg({ alg: 'ES256', b64: false, crit: ['b64'] })}.${p}.${sig}`],
      ['ERR_JWS_CRIT_UNSUPPORTED', `${seg({ alg: 'ES256', crit: [] })}.${p}.${sig}`],
      ['ERR_JWS_CRIT_UNSUPPORTED', `${seg({ alg: 'ES256', crit: null })}.${p}.${sig}`],
    ];
    for (const [code, token] of table)
      expect(
        codeOf(() => decodeCompactJws(token as string)),
        String(token).slice(0, 80),
      ).toBe(code);
  });

  it('rfc7515-5.2: a duplicate header member is read as the lexically last (JSON.parse), which the RFC allows', () => {
    const token = `${base64urlEncodeText('{"alg":"none","alg":"ES256"}')}.${p}.${sig}`;
    expect(decodeCompactJws(token).header.alg).toBe('ES256');
  });

  it('alg: case variants, none, HMAC and prototype names are refused whatever the allow-list', () => {
    for (const alg of ['es256', 'Es256', 'ES256 ', 'none', 'None', 'HS256', '__proto__', 'toString', '', null, 1, ['ES256']]) {
      expect(
        codeOf(() => checkAlgorithm(alg, ['ES256', 'EdDSA'])),
        String(alg),
      ).toBe('ERR_JWS_ALG_NOT_ALLOWED');
    }
    expect(codeOf(() => checkAlgorithm('ES256', ['ES256']))).toBe('NO_ERROR');
  });
});

describe('parseJson: __proto__ and depth', () => {
  it('refuses a __proto__ key written with \\u escapes', () => {
    for (const text of ['{"\\u005f_proto__":{"polluted":1}}', '{"a":[{"__pr\\u006fto__":1}]}', '{"__proto\\u005F_":null}']) {
      expect(
        codeOf(() => parseJson(text)),
        text,
      ).toBe('ERR_ENCODING_JSON');
    }
    expect(parseJson('{"name":"\\u00e9","p":"__proto__"}')).toEqual({ name: 'é', p: '__proto__' });
  });

  it('deep nesting within the size limit gives a value or a ComityError, never a RangeError', () => {
    const depth = 400_000;
    expect(codeOf(() => parseJson(`${'['.repeat(depth)}"__proto__"${']'.repeat(depth)}`))).toBe('NO_ERROR');
    expect(codeOf(() => parseJson(`${'[{"a":'.repeat(depth / 2)}{"\\u005f_proto__":1}${'}]'.repeat(depth / 2)}`))).toBe('ERR_ENCODING_JSON');
  });
});

describe('crypto providers agree on ECDSA edge cases (differential)', () => {
  const ORDERS: Record<string, string> = {
    ES256: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
    ES384: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    ES512: `01ff${'ffffffff'.repeat(7)}fffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409`,
  };
  const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
  const bytes = (v: bigint, len: number): Uint8Array =>
    fromHex(
      v
        .toString(16)
        .padStart(len * 2, '0')
        .slice(-len * 2),
    );

  for (const alg of ['ES256', 'ES384', 'ES512'] as const) {
    it(`${alg}: r or s = 0, = n, + n, all ones, high-S, wrong length and DER give the same answer on both providers`, async () => {
      const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair(alg);
      const data = new Uint8Array([1, 2, 3]);
      const good = await defaultCrypto.sign(alg, privateJwk, data);
      const half = good.length / 2;
      const r = good.subarray(0, half);
      const s = good.subarray(half);
      const n = big(fromHex(ORDERS[alg] as string));
      const join = (a: Uint8Array, b: Uint8Array) => new Uint8Array([...a, ...b]);
      const der = (v: Uint8Array): Uint8Array => {
        let i = 0;
        while (i < v.length - 1 && v[i] === 0) i++;
        const t = (v[i] as number) & 0x80 ? [0, ...v.subarray(i)] : [...v.subarray(i)];
        return new Uint8Array([2, t.length, ...t]);
      };
      const derSig = (() => {
        const body = [...der(r), ...der(s)];
        return new Uint8Array(body.length < 128 ? [0x30, body.length, ...body] : [0x30, 0x81, body.length, ...body]);
      })();
      const cases: Record<string, readonly [Uint8Array, string]> = {
        good: [good, 'true'],
        highS: [join(r, bytes(n - big(s), half)), 'true'],
        zero: [new Uint8Array(good.length), 'false'],
        rZero: [join(new Uint8Array(half), s), 'false'],
        sZero: [join(r, new Uint8Array(half)), 'false'],
        rN: [join(bytes(n, half), s), 'false'],
        sN: [join(r, bytes(n, half)), 'false'],
        rPlusN: [join(bytes(big(r) + n, half), s), 'false'],
        sPlusN: [join(r, bytes(big(s) + n, half)), 'false'],
        ones: [new Uint8Array(good.length).fill(0xff), 'false'],
        short: [good.subarray(1), 'false'],
        long: [join(good, new Uint8Array(1)), 'false'],
        der: [derSig, 'false'],
        empty: [new Uint8Array(0), 'false'],
      };
      for (const [name, [sig, expected]] of Object.entries(cases)) {
        const a = await outcome(defaultCrypto, alg, publicJwk, data, sig);
        const b = await outcome(webCrypto, alg, publicJwk, data, sig);
        expect([name, a, b]).toEqual([name, expected, expected]);
      }
    });
  }

  it('Ed25519: S >= L, wrong lengths and a non-canonical R give the same answer on both providers', async () => {
    const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('EdDSA');
    const data = new Uint8Array([4, 5, 6]);
    const good = await defaultCrypto.sign('EdDSA', privateJwk, data);
    const L = (1n << 252n) + 27742317777372353535851937790883648493n;
    const le = (b: Uint8Array): bigint => {
      let v = 0n;
      for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i] as number);
      return v;
    };
    const sPlusL = encode(le(good.subarray(32)) + L, false);
    const cases: Record<string, readonly [Uint8Array, string]> = {
      good: [good, 'true'],
      sPlusL: [new Uint8Array([...good.subarray(0, 32), ...sPlusL]), 'false'],
      short: [good.subarray(1), 'false'],
      long: [new Uint8Array([...good, 0]), 'false'],
      zero: [new Uint8Array(64), 'false'],
      rNonCanonical: [new Uint8Array([...encode(P + 1n, false), ...good.subarray(32)]), 'false'],
    };
    for (const [name, [sig, expected]] of Object.entries(cases)) {
      const a = await outcome(defaultCrypto, 'EdDSA', publicJwk, data, sig);
      const b = await outcome(webCrypto, 'EdDSA', publicJwk, data, sig);
      expect([name, a, b]).toEqual([name, expected, expected]);
    }
  });
});

/**
 * Building hostile SD-JWTs by hand, with real keys and real signatures, so that the only
 * defect of a token is the rule under test. Digests and `sd_hash` are computed here with
 * the crypto provider directly (not with the code under test).
 */
import {
  base64urlEncode,
  type ComityContext,
  createContext,
  type HashAlgorithm,
  type Jwk,
  localSigner,
  type SignatureAlgorithm,
  signCompactJws,
  toPublicJwk,
  utf8Encode,
} from '@comity/core';

/** The fixed clock of the negative cases. */
export const NOW = 1_750_000_000;
export const NONCE = 'n-0S6_WzA2Mj';
export const AUDIENCE = 'x509_san_dns:verifier.example.org';
export const ISSUER = 'https://issuer.example.com';
export const VCT = 'urn:eudi:pid:1';

/** A context at {@link NOW}. */
export const ctx: ComityContext = createContext({ now: () => new Date(NOW * 1000) });

export interface KeyPair {
  readonly privateJwk: Jwk;
  readonly publicJwk: Jwk;
}

export interface TestKeys {
  readonly issuer: KeyPair;
  readonly holder: KeyPair;
  /** A valid key that is neither the issuer's nor the holder's. */
  readonly other: KeyPair;
  readonly issuerEs384: KeyPair;
}

let keys: Promise<TestKeys> | undefined;
/** Keys generated once per test file. */
export function testKeys(): Promise<TestKeys> {
  keys ??= (async () => ({
    issuer: await ctx.crypto.generateKeyPair('ES256'),
    holder: await ctx.crypto.generateKeyPair('ES256'),
    other: await ctx.crypto.generateKeyPair('ES256'),
    issuerEs384: await ctx.crypto.generateKeyPair('ES384'),
  }))();
  return keys;
}

/** base64url(JSON) of a disclosure array (or of anything, for malformed ones). */
export function disclosure(content: unknown): string {
  return base64urlEncode(utf8Encode(JSON.stringify(content)));
}

/** Digest of a disclosure string: hash of its ASCII, base64url. */
export async function digest(encoded: string, alg: HashAlgorithm = 'sha-256'): Promise<string> {
  return base64urlEncode(await ctx.crypto.digest(alg, utf8Encode(encoded)));
}

/** A compact JWS signed with a real key. */
export function sign(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyPair, alg: SignatureAlgorithm = 'ES256'): Promise<string> {
  return signCompactJws(header, payload, localSigner(key.privateJwk, alg, ctx.crypto));
}

/** A JWS-shaped token with the given header and an empty signature (for `alg: none`). */
export function unsignedJws(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${base64urlEncode(utf8Encode(JSON.stringify(header)))}.${base64urlEncode(utf8Encode(JSON.stringify(payload)))}.`;
}

/** A JWS over raw JSON texts (for inputs JSON.stringify cannot produce), signed by the issuer. */
export async function signRawJson(headerJson: string, payloadJson: string): Promise<string> {
  const k = await testKeys();
  const h = base64urlEncode(utf8Encode(headerJson));
  const p = base64urlEncode(utf8Encode(payloadJson));
  const signature = await localSigner(k.issuer.privateJwk, 'ES256', ctx.crypto).sign(utf8Encode(`${h}.${p}`));
  return `${h}.${p}.${base64urlEncode(signature)}`;
}

/** Options of {@link keyBindingJwt}; every field can be bent. */
export interface KbOptions {
  readonly header?: Record<string, unknown>;
  /** Payload members to set (replacing the defaults). */
  readonly set?: Record<string, unknown>;
  /** Payload members to leave out. */
  readonly omit?: readonly string[];
  readonly key?: KeyPair;
  readonly alg?: SignatureAlgorithm;
  /** `sd_hash` over this string instead of the presented `<JWT>~<D…>~`. */
  readonly sdHashInput?: string;
  readonly sdHashAlg?: HashAlgorithm;
  /** Leave the KB-JWT unsigned with `alg: none`. */
  readonly none?: boolean;
}

/** A Key Binding JWT over `sdJwtWithoutKb`, by default correct in every respect. */
export async function keyBindingJwt(sdJwtWithoutKb: string, options: KbOptions = {}): Promise<string> {
  const k = await testKeys();
  const payload: Record<string, unknown> = {
    iat: NOW,
    aud: AUDIENCE,
    nonce: NONCE,
    sd_hash: await digest(options.sdHashInput ?? sdJwtWithoutKb, options.sdHashAlg ?? 'sha-256'),
    ...(options.set ?? {}),
  };
  for (const name of options.omit ?? []) delete payload[name];
  const header = options.header ?? { typ: 'kb+jwt' };
  if (options.none === true) return unsignedJws({ ...header, alg: 'none' }, payload);
  return sign(header, payload, options.key ?? k.holder, options.alg ?? 'ES256');
}

/** Options of {@link craft}. */
export interface CraftOptions {
  /** Issuer header members besides `alg` (default `{ typ: 'dc+sd-jwt' }`). */
  readonly header?: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** Disclosure strings in presentation order. */
  readonly disclosures?: readonly string[];
  readonly key?: KeyPair;
  readonly alg?: SignatureAlgorithm;
  /** `false`: no KB-JWT (trailing `~`); otherwise the KB-JWT options. */
  readonly kb?: false | KbOptions;
}

/** A signed SD-JWT (+KB) with exactly the given parts. */
export async function craft(options: CraftOptions): Promise<string> {
  const k = await testKeys();
  const jwt = await sign(options.header ?? { typ: 'dc+sd-jwt' }, options.payload, options.key ?? k.issuer, options.alg ?? 'ES256');
  const sdJwtWithoutKb = `${jwt}~${(options.disclosures ?? []).map((d) => `${d}~`).join('')}`;
  if (options.kb === false) return sdJwtWithoutKb;
  return `${sdJwtWithoutKb}${await keyBindingJwt(sdJwtWithoutKb, options.kb ?? {})}`;
}

/** The registered claims of a valid SD-JWT VC bound to the holder key. */
export async function vcClaims(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const k = await testKeys();
  return { iss: ISSUER, iat: NOW - 60, exp: NOW + 86_400, vct: VCT, cnf: { jwk: toPublicJwk(k.holder.publicJwk) }, _sd_alg: 'sha-256', ...extra };
}

/** A disclosure with a fresh salt and its digest. */
export async function disclose(name: string | undefined, value: unknown, alg: HashAlgorithm = 'sha-256'): Promise<{ d: string; h: string }> {
  const salt = base64urlEncode(ctx.crypto.randomBytes(16));
  const d = disclosure(name === undefined ? [salt, value] : [salt, name, value]);
  return { d, h: await digest(d, alg) };
}

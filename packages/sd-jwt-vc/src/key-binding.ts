/**
 * Key Binding JWT (RFC 9901 §4.3): creation by the holder and checks by the verifier.
 *
 * @module
 */
import {
  asciiEncode,
  base64urlEncode,
  type ComityContext,
  ComityError,
  DEFAULT_SIGNATURE_ALGORITHMS,
  decodeCompactJws,
  epochSeconds,
  type HashAlgorithm,
  type Issue,
  type Jwk,
  type SignatureAlgorithm,
  type Signer,
  signCompactJws,
  toIssue,
  verifyJwsSignature,
} from '@comity/core';
import { checkTimeOptions } from './internal/policy.js';
import { typMatches } from './internal/typ.js';

/** What the verifier expects of the Key Binding JWT. */
export interface KeyBindingPolicy {
  /** Key binding required (default true). With false, an SD-JWT+KB is refused as unexpected. */
  readonly required?: boolean;
  /** Expected `nonce`: the one your request sent. Unchecked (with a warning) when absent. */
  readonly nonce?: string;
  /** Expected `aud`: your client_id, or `origin:<origin>` over the DC API. Unchecked (with a warning) when absent. */
  readonly audience?: string;
  /** Oldest acceptable `iat`, in seconds before now (default 300): a finite number, not negative, else `ERR_USAGE_POLICY` is thrown. */
  readonly maxAgeSeconds?: number;
  /** Allowed KB-JWT algorithms (default ES256, ES384, ES512, EdDSA, Ed25519). */
  readonly algorithms?: readonly SignatureAlgorithm[];
}

/** Verified key binding facts. */
export interface KeyBindingInfo {
  readonly iat: number;
  readonly aud: string;
  readonly nonce: string;
}

/** `sd_hash`: hash over the ASCII of `<JWT>~<D1>~…~<Dn>~` with the `_sd_alg` (RFC 9901 §4.3.1). */
export async function sdHash(sdJwtWithoutKb: string, alg: HashAlgorithm, ctx: ComityContext): Promise<string> {
  return base64urlEncode(await ctx.crypto.digest(alg, asciiEncode(sdJwtWithoutKb)));
}

/**
 * Creates a Key Binding JWT over a presentation.
 *
 * @example
 * ```ts
 * const kb = await createKeyBindingJwt({ sdJwtWithoutKb, hashAlg: 'sha-256', signer, audience: 'x509_san_dns:rp.example', nonce }, ctx);
 * ```
 * @see RFC 9901 §4.3
 */
export async function createKeyBindingJwt(
  input: {
    sdJwtWithoutKb: string;
    hashAlg: HashAlgorithm;
    signer: Signer;
    audience: string;
    nonce: string;
    iat?: number;
    extraClaims?: Record<string, unknown>;
  },
  ctx: ComityContext,
): Promise<string> {
  const payload = {
    ...(input.extraClaims ?? {}),
    iat: input.iat ?? epochSeconds(ctx),
    aud: input.audience,
    nonce: input.nonce,
    sd_hash: await sdHash(input.sdJwtWithoutKb, input.hashAlg, ctx),
  };
  return signCompactJws({ typ: 'kb+jwt' }, payload, input.signer);
}

/**
 * Checks a Key Binding JWT: form, `typ`, algorithm, signature by the `cnf` key, `iat`
 * window, `exp` and `nbf` when present, `nonce`, `aud`, `sd_hash`. Returns every failed
 * rule and unchecked expectation.
 *
 * @throws ComityUsageError `ERR_USAGE_POLICY` when `skewSeconds` or `policy.maxAgeSeconds` is not a finite non-negative number
 * @see RFC 9901 §7.3
 */
export async function checkKeyBinding(
  kbJwt: string,
  input: {
    cnfJwk: Jwk;
    sdJwtWithoutKb: string;
    hashAlg: HashAlgorithm;
    policy: KeyBindingPolicy;
    skewSeconds: number;
    /** Current time in epoch seconds, when the caller has read the clock already (default: `ctx.now()`). */
    now?: number;
  },
  ctx: ComityContext,
): Promise<{ errors: Issue[]; warnings: Issue[]; info?: KeyBindingInfo }> {
  // The policy is read once, before the first await: the rules checked are the rules the call began with.
  const { nonce, audience, maxAgeSeconds, algorithms } = input.policy;
  checkTimeOptions(input.skewSeconds, maxAgeSeconds);
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  let jws: ReturnType<typeof decodeCompactJws>;
  try {
    jws = decodeCompactJws(kbJwt, 'Key Binding JWT', 'ERR_SDJWT_KB');
    if (!typMatches(jws.header.typ, ['kb+jwt'])) throw new ComityError('ERR_SDJWT_KB_TYP', 'Key Binding JWT "typ" is not "kb+jwt"');
    await verifyJwsSignature(jws, input.cnfJwk, {
      algorithms: algorithms ?? DEFAULT_SIGNATURE_ALGORITHMS,
      crypto: ctx.crypto,
      what: 'Key Binding JWT',
      codePrefix: 'ERR_SDJWT_KB',
    });
  } catch (e) {
    return { errors: [toIssue(e)], warnings };
  }
  const p = jws.payload;
  const now = input.now ?? epochSeconds(ctx);
  const skew = input.skewSeconds;

  if (typeof p.iat !== 'number' || !Number.isFinite(p.iat)) errors.push({ code: 'ERR_SDJWT_KB_IAT_MISSING', message: 'Key Binding JWT lacks a numeric "iat"' });
  else if (p.iat > now + skew) errors.push({ code: 'ERR_SDJWT_KB_IAT_FUTURE', message: 'Key Binding JWT "iat" is in the future' });
  else if (p.iat < now - (maxAgeSeconds ?? 300) - skew) errors.push({ code: 'ERR_SDJWT_KB_IAT_TOO_OLD', message: 'Key Binding JWT is too old' });

  // §7.3 step 8: a valid JWT in all other respects (RFC 7519 §4.1.4, §4.1.5): `exp` and `nbf` when present.
  if (p.exp !== undefined) {
    if (typeof p.exp !== 'number' || !Number.isFinite(p.exp))
      errors.push({ code: 'ERR_SDJWT_KB_MALFORMED', message: 'Key Binding JWT "exp" is not a NumericDate' });
    else if (now > p.exp + skew) errors.push({ code: 'ERR_SDJWT_KB_EXPIRED', message: 'Key Binding JWT has expired' });
  }
  if (p.nbf !== undefined) {
    if (typeof p.nbf !== 'number' || !Number.isFinite(p.nbf))
      errors.push({ code: 'ERR_SDJWT_KB_MALFORMED', message: 'Key Binding JWT "nbf" is not a NumericDate' });
    else if (now + skew < p.nbf) errors.push({ code: 'ERR_SDJWT_KB_NOT_YET_VALID', message: 'Key Binding JWT is not yet valid' });
  }

  if (typeof p.nonce !== 'string') errors.push({ code: 'ERR_SDJWT_KB_NONCE_MISSING', message: 'Key Binding JWT lacks a string "nonce"' });
  else if (nonce === undefined) warnings.push({ code: 'WARN_SDJWT_KB_NONCE_UNCHECKED', message: 'no expected nonce was configured: replay is not prevented' });
  else if (p.nonce !== nonce) errors.push({ code: 'ERR_SDJWT_KB_NONCE_MISMATCH', message: 'Key Binding JWT "nonce" is not the expected one' });

  if (typeof p.aud !== 'string') errors.push({ code: 'ERR_SDJWT_KB_AUD_INVALID', message: 'Key Binding JWT "aud" is not a single string' });
  else if (audience === undefined) warnings.push({ code: 'WARN_SDJWT_KB_AUD_UNCHECKED', message: 'no expected audience was configured' });
  else if (p.aud !== audience) errors.push({ code: 'ERR_SDJWT_KB_AUD_MISMATCH', message: 'Key Binding JWT "aud" is not the expected audience' });

  if (typeof p.sd_hash !== 'string') errors.push({ code: 'ERR_SDJWT_KB_SD_HASH_MISSING', message: 'Key Binding JWT lacks "sd_hash"' });
  // Every part of sdJwtWithoutKb was decoded as strict base64url before this point: it is ASCII.
  else if (p.sd_hash !== (ctx.crypto.digestBase64urlSync?.(input.hashAlg, input.sdJwtWithoutKb) ?? (await sdHash(input.sdJwtWithoutKb, input.hashAlg, ctx)))) {
    errors.push({ code: 'ERR_SDJWT_KB_SD_HASH_MISMATCH', message: 'Key Binding JWT "sd_hash" does not match the presented SD-JWT' });
  }
  if (errors.length > 0) return { errors, warnings };
  return { errors, warnings, info: { iat: p.iat as number, aud: p.aud as string, nonce: p.nonce as string } };
}

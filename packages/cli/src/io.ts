/**
 * File and key input for the CLI. Every failure here is a usage or I/O error (exit 2).
 */
import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { base64urlDecode, type Certificate, fromHex, type Jwk, parseCertificate, pemToDerList } from '@comity/core';
import type { HandoverInput } from '@comity/mdoc';

/** A usage or I/O problem: the CLI exits with 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/**
 * The largest input file the CLI reads (credentials, keys, certificates, trust lists and
 * configurations): above every library limit, so those still answer with their own codes, and
 * small enough that an endless input (`/dev/zero`, a runaway pipe) ends in a usage error, not
 * in a hang or an out-of-memory crash.
 */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

class InputTooLarge extends Error {}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads at most MAX_INPUT_BYTES of a file, or of standard input for `-` (or no path). */
function readBounded(path: string | undefined): Buffer {
  const stdin = path === undefined || path === '-';
  const fd = stdin ? 0 : openSync(path, 'r');
  try {
    if (!stdin && fstatSync(fd).size > MAX_INPUT_BYTES) throw new InputTooLarge();
    const chunks: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(1 << 16);
    let total = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        // A non-blocking standard input with nothing yet to read.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          sleepMs(5);
          continue;
        }
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_BYTES) throw new InputTooLarge();
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (!stdin) closeSync(fd);
  }
}

function readOrFail(path: string | undefined): Buffer {
  const name = path === undefined || path === '-' ? 'standard input' : path;
  try {
    return readBounded(path);
  } catch (e) {
    if (e instanceof InputTooLarge) throw new CliUsageError(`${name} is larger than ${MAX_INPUT_BYTES} bytes`);
    throw new CliUsageError(`cannot read ${name}`);
  }
}

/** Reads a file, or standard input for `-` (at most MAX_INPUT_BYTES). */
export function readInput(path: string | undefined): string {
  return readOrFail(path).toString('utf8');
}

/** Reads raw bytes of a file (at most MAX_INPUT_BYTES). */
export function readBytes(path: string): Uint8Array {
  return new Uint8Array(readOrFail(path));
}

/**
 * `parseArgs` (strict), refusing a value-taking option given twice unless it is `multiple`:
 * `--nonce a --nonce b` would otherwise silently keep `b`.
 */
export function parseCli<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  const parsed = parseArgs(config);
  const { tokens } = parseArgs({ args: config.args ?? [], options: config.options ?? {}, allowPositionals: true, strict: false, tokens: true });
  const seen = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const option = config.options?.[t.name];
    if (option === undefined || option.type !== 'string' || option.multiple === true) continue;
    if (seen.has(t.name)) throw new CliUsageError(`--${t.name} is given more than once`);
    seen.add(t.name);
  }
  return parsed;
}

/** Parses a non-negative whole number of seconds (`--kb-max-age`, `--expires-in`): digits only. */
export function parseSeconds(value: string, option: string): number {
  const n = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new CliUsageError(`${option} must be a whole number of seconds`);
  return n;
}

/** Reads a public key: a JWK (JSON), a PEM public key, or a PEM certificate (its key). */
export function readPublicKey(path: string): Jwk {
  const text = readInput(path).trim();
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as Jwk;
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
      return pub as Jwk;
    }
    return createPublicKey(text).export({ format: 'jwk' }) as Jwk;
  } catch {
    throw new CliUsageError(`${path} is not a JWK or PEM public key`);
  }
}

/** Reads a private key: a JWK with `d`, or a PEM private key. */
export function readPrivateKey(path: string): Jwk {
  const text = readInput(path).trim();
  try {
    const jwk = text.startsWith('{') ? (JSON.parse(text) as Jwk) : (createPrivateKey(text).export({ format: 'jwk' }) as Jwk);
    if (jwk === null || typeof jwk !== 'object' || typeof jwk.d !== 'string') throw new Error('no private part');
    // A key that does not import is a usage error here, not a failure of the credential later.
    createPrivateKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
    return jwk;
  } catch {
    throw new CliUsageError(`${path} is not a private JWK or PEM private key`);
  }
}

/** Reads PEM certificates from files. */
export async function readCertificates(paths: readonly string[]): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (const path of paths) {
    let ders: Uint8Array[];
    try {
      ders = pemToDerList(readInput(path));
    } catch {
      throw new CliUsageError(`${path} holds no PEM certificate`);
    }
    for (const der of ders) {
      try {
        out.push(await parseCertificate(der));
      } catch {
        throw new CliUsageError(`${path} holds a certificate that cannot be parsed`);
      }
    }
  }
  return out;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses `--now`: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with an offset, or without one
 * for local time) or seconds since the epoch. Anything else (`March 7`, `2026-02-31`) is a usage
 * error, not whatever date `Date` makes of it.
 */
export function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  let date: Date;
  if (/^\d+(\.\d+)?$/.test(value)) date = new Date(Number(value) * 1000);
  else {
    const m = ISO_8601.exec(value);
    date = m === null ? new Date(Number.NaN) : new Date(value);
    if (m !== null) {
      const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
      const day = new Date(0);
      day.setUTCFullYear(y, mo - 1, d);
      if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) date = new Date(Number.NaN);
    }
  }
  if (Number.isNaN(date.getTime())) throw new CliUsageError('--now must be ISO 8601 or seconds since the epoch');
  return date;
}

/** Parses a claim path given as JSON (`["address","locality"]`) or dotted (`address.locality`, `nationalities.*`). */
export function parseClaimPath(value: string): Array<string | number | null> {
  if (value.startsWith('[')) {
    try {
      return JSON.parse(value) as Array<string | number | null>;
    } catch {
      throw new CliUsageError(`claim path ${value} is not valid JSON`);
    }
  }
  return value.split('.').map((c) => (c === '*' ? null : /^\d+$/.test(c) ? Number(c) : c));
}

/** Parses a hex option. */
export function parseHex(value: string, option: string): Uint8Array {
  try {
    return fromHex(value);
  } catch {
    throw new CliUsageError(`${option} is not hex`);
  }
}

/**
 * Parses `--handover` JSON: `{"type":"openid4vp","clientId","nonce","responseUri","jwkThumbprint"}`,
 * `{"type":"openid4vp-dcapi","origin","nonce","jwkThumbprint"}` or
 * `{"type":"iso18013-7-annex-b","clientId","responseUri","nonce","mdocGeneratedNonce"}` or
 * `{"type":"iso18013-7-annex-c","origin","encryptionInfo"}` (the base64url EncryptionInfo as sent), or with
 * `"nonce"` (base64url) and `"recipientPublicKey"` (a JWK) instead of `encryptionInfo`.
 * `jwkThumbprint` is hex or base64url (32 bytes), or null.
 */
export function parseHandover(value: string): HandoverInput {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(value) as Record<string, unknown>;
  } catch {
    throw new CliUsageError('--handover is not valid JSON');
  }
  const str = (name: string): string => {
    const v = json[name];
    if (typeof v !== 'string') throw new CliUsageError(`--handover needs a string "${name}"`);
    return v;
  };
  const thumbprint = (): Uint8Array | null => {
    const v = json.jwkThumbprint;
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw new CliUsageError('--handover "jwkThumbprint" must be hex or base64url');
    try {
      const bytes = /^[0-9a-fA-F]{64}$/.test(v) ? fromHex(v) : base64urlDecode(v);
      if (bytes.length !== 32) throw new Error('length');
      return bytes;
    } catch {
      throw new CliUsageError('--handover "jwkThumbprint" must be 32 bytes in hex or base64url');
    }
  };
  switch (json.type) {
    case 'openid4vp':
      return { type: 'openid4vp', clientId: str('clientId'), nonce: str('nonce'), responseUri: str('responseUri'), jwkThumbprint: thumbprint() };
    case 'openid4vp-dcapi':
      return { type: 'openid4vp-dcapi', origin: str('origin'), nonce: str('nonce'), jwkThumbprint: thumbprint() };
    case 'iso18013-7-annex-b':
      return {
        type: 'iso18013-7-annex-b',
        clientId: str('clientId'),
        responseUri: str('responseUri'),
        nonce: str('nonce'),
        mdocGeneratedNonce: str('mdocGeneratedNonce'),
      };
    case 'iso18013-7-annex-c': {
      if (typeof json.encryptionInfo === 'string') return { type: 'iso18013-7-annex-c', origin: str('origin'), encryptionInfo: json.encryptionInfo };
      const key = json.recipientPublicKey;
      if (key === null || typeof key !== 'object' || Array.isArray(key)) {
        throw new CliUsageError('--handover for iso18013-7-annex-c needs "encryptionInfo", or "nonce" and a JWK "recipientPublicKey"');
      }
      let nonce: Uint8Array;
      try {
        nonce = base64urlDecode(str('nonce'));
      } catch (e) {
        if (e instanceof CliUsageError) throw e;
        throw new CliUsageError('--handover "nonce" must be base64url');
      }
      return { type: 'iso18013-7-annex-c', origin: str('origin'), nonce, recipientPublicKey: key as Jwk };
    }
    default:
      throw new CliUsageError('--handover "type" must be openid4vp, openid4vp-dcapi, iso18013-7-annex-b or iso18013-7-annex-c');
  }
}

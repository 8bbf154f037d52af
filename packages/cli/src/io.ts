/**
 * File and key input for the CLI. Every failure here is a usage or I/O error (exit 2).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { base64urlDecode, type Certificate, fromHex, type Jwk, parseCertificate, pemToDerList } from '@comity/core';
import type { HandoverInput } from '@comity/mdoc';

/** A usage or I/O problem: the CLI exits with 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

/** Reads a file, or standard input for `-`. */
export function readInput(path: string | undefined): string {
  try {
    return readFileSync(path === undefined || path === '-' ? 0 : path, 'utf8');
  } catch {
    throw new CliUsageError(`cannot read ${path === undefined || path === '-' ? 'standard input' : path}`);
  }
}

/** Reads raw bytes of a file. */
export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch {
    throw new CliUsageError(`cannot read ${path}`);
  }
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
    if (typeof jwk.d !== 'string') throw new Error('no private part');
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

/** Parses `--now`: ISO 8601 or seconds since the epoch. */
export function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value);
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

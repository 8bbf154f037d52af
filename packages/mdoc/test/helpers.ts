import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Certificate, fromHex, parseCertificate, pemToDerList } from '@comity/core';

const here = fileURLToPath(new URL('./vectors/', import.meta.url));

export function vectorHex(path: string): Uint8Array {
  return fromHex(readFileSync(here + path, 'utf8').trim());
}

export function vectorText(path: string): string {
  return readFileSync(here + path, 'utf8');
}

export function vectorBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(here + path));
}

export async function vectorCert(path: string): Promise<Certificate> {
  const text = vectorText(path);
  const der = text.includes('-----BEGIN') ? (pemToDerList(text)[0] as Uint8Array) : fromHex(text.trim());
  return parseCertificate(der);
}

export function b64u(hex: Uint8Array): string {
  return Buffer.from(hex).toString('base64url');
}

/** Loads the draft-20 example files copied into test/vectors (see PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Jwk } from '@comity/core';

const dir = fileURLToPath(new URL('./vectors/', import.meta.url));

/** Raw text of an upstream example file. */
export function example(name: string): string {
  return readFileSync(`${dir}ietf-spec-examples/${name}`, 'utf8');
}

/** The hex of a CBOR example (`...encoded:` line for the short ones, the whole file otherwise). */
export function exampleHex(name: string): string {
  const text = example(name);
  const at = text.indexOf('encoded:');
  return (at >= 0 ? text.slice(at + 'encoded:'.length) : text).replace(/\s+/g, '');
}

/** The JSON of a JSON example; the draft wraps long `lst` strings across lines. */
export function exampleJson(name: string): { bits: number; lst: string } {
  const text = example(name);
  const at = text.indexOf('encoded:');
  const json = (at >= 0 ? text.slice(at + 'encoded:'.length) : text).replace(/\s+/g, '');
  return JSON.parse(json) as { bits: number; lst: string };
}

/** The leading `byte_array = [...]` of a short example. */
export function exampleByteArray(name: string): Uint8Array {
  const m = /byte_array = \[([^\]]*)\]/.exec(example(name));
  if (m === null || m[1] === undefined) throw new Error(`no byte_array in ${name}`);
  return Uint8Array.from(m[1].split(',').map((s) => Number.parseInt(s.trim(), 16)));
}

export interface AppendixC {
  readonly section: string;
  readonly bits: 1 | 2 | 4 | 8;
  readonly size: number;
  readonly statuses: ReadonlyArray<readonly [number, number]>;
  readonly json: string;
  readonly cbor: string;
}

/** Appendix C status assignments (derived from the draft text). */
export const appendixC: readonly AppendixC[] = (JSON.parse(readFileSync(`${dir}appendix-c-statuses.json`, 'utf8')) as { examples: AppendixC[] }).examples;

/** Public key of the draft's JWT/CWT examples (kid "12"). */
export const exampleKey = (JSON.parse(readFileSync(`${dir}example-key.json`, 'utf8')) as { jwk: Jwk }).jwk;

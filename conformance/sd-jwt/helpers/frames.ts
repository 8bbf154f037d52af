/**
 * Conversion of sd-jwt-js frames (`{_sd: [...], _sd_decoy: n, obj: {...}, arr: {_sd: [0, 2]}}`
 * for issuance, `{a: true, arr: {1: true}}` for presentation) into comity claim paths.
 */
import type { ClaimPath } from '@comity/core';

type Frame = { readonly [key: string]: unknown };

function childOf(claims: unknown, key: string): { key: string | number; value: unknown } {
  if (Array.isArray(claims)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) throw new Error(`frame key ${key} does not index an array`);
    return { key: index, value: claims[index] };
  }
  if (claims !== null && typeof claims === 'object' && Object.hasOwn(claims, key)) return { key, value: (claims as Record<string, unknown>)[key] };
  throw new Error(`frame key ${key} names no claim`);
}

/** An issuance frame as disclosable paths plus decoy counts. */
export function disclosureFrameToPaths(claims: unknown, frame: Frame): { disclosable: ClaimPath[]; decoys: Array<{ path: ClaimPath; count: number }> } {
  const disclosable: ClaimPath[] = [];
  const decoys: Array<{ path: ClaimPath; count: number }> = [];
  const walk = (value: unknown, f: Frame, path: ClaimPath): void => {
    for (const [key, sub] of Object.entries(f)) {
      if (key === '_sd') {
        for (const entry of sub as unknown[]) disclosable.push([...path, childOf(value, String(entry)).key]);
      } else if (key === '_sd_decoy') {
        decoys.push({ path, count: sub as number });
      } else {
        const child = childOf(value, key);
        walk(child.value, sub as Frame, [...path, child.key]);
      }
    }
  };
  walk(claims, frame, []);
  return { disclosable, decoys };
}

/**
 * A presentation frame as the concrete paths marked `true` (nested objects name their members).
 * Like sd-jwt-js, a frame key that names no claim is ignored (recursions.json asks for `qux[1]`,
 * which does not exist).
 */
export function presentationFrameToPaths(claims: unknown, frame: Frame): ClaimPath[] {
  const out: ClaimPath[] = [];
  const walk = (value: unknown, f: Frame, path: ClaimPath): void => {
    for (const [key, sub] of Object.entries(f)) {
      let child: { key: string | number; value: unknown };
      try {
        child = childOf(value, key);
      } catch {
        continue;
      }
      const p = [...path, child.key];
      if (sub === true) out.push(p);
      else if (sub !== null && typeof sub === 'object') walk(child.value, sub as Frame, p);
    }
  };
  walk(claims, frame, []);
  return out;
}

/**
 * Strict parsing of one Type Metadata document (§5.2): every member comity reads must
 * have its defined type; members it does not understand are ignored.
 *
 * @module
 */
import { type ClaimPath, ComityError, isPlainObject, type JsonObject } from '@comity/core';
import type { ClaimDisplay, ClaimSdRule, TypeDisplay } from '../types.js';

/** A claim metadata object as written, before defaults and `extends`. */
export interface RawClaimMetadata {
  readonly path: ClaimPath;
  readonly sd?: ClaimSdRule | undefined;
  readonly mandatory?: boolean | undefined;
  readonly display?: readonly ClaimDisplay[] | undefined;
  readonly svg_id?: string | undefined;
}

/** One Type Metadata document as written. */
export interface RawTypeMetadata {
  readonly vct: string;
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly extends?: string | undefined;
  readonly extendsIntegrity?: string | undefined;
  readonly display?: readonly TypeDisplay[] | undefined;
  readonly claims: readonly RawClaimMetadata[];
}

const MAX_CLAIMS = 1000;
const MAX_PATH_LENGTH = 32;
const SVG_ID = /^[A-Za-z_][A-Za-z0-9_]*$/;

function invalid(message: string, path?: ClaimPath): never {
  throw new ComityError('ERR_SDJWT_VCT_METADATA_INVALID', message, path === undefined ? {} : { details: { path } });
}

function optionalString(o: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = o[key];
  if (v !== undefined && typeof v !== 'string') invalid(`${where} "${key}" is not a string`);
  return v as string | undefined;
}

function requiredString(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') invalid(`${where} "${key}" is missing or not a string`);
  return v;
}

/** Checks a claim path (§5.6.1): non-empty; strings, `null`, non-negative integers. */
export function parseClaimPath(value: unknown): ClaimPath {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PATH_LENGTH) invalid('claim path must be a non-empty array');
  for (const c of value as unknown[]) {
    if (!(typeof c === 'string' || c === null || (typeof c === 'number' && Number.isSafeInteger(c) && c >= 0))) {
      invalid('claim path holds a component that is not a string, null or non-negative integer');
    }
  }
  return Object.freeze([...(value as (string | number | null)[])]);
}

function parseClaimDisplay(value: unknown, path: ClaimPath): ClaimDisplay[] {
  if (!Array.isArray(value)) invalid('claim display is not an array', path);
  return (value as unknown[]).map((d) => {
    if (!isPlainObject(d)) invalid('claim display entry is not an object', path);
    const description = optionalString(d, 'description', 'claim display');
    const out: ClaimDisplay = { locale: requiredString(d, 'locale', 'claim display'), label: requiredString(d, 'label', 'claim display') };
    return description === undefined ? out : { ...out, description };
  });
}

function parseTypeDisplay(value: unknown): TypeDisplay[] {
  if (!Array.isArray(value)) invalid('display is not an array');
  return (value as unknown[]).map((d) => {
    if (!isPlainObject(d)) invalid('display entry is not an object');
    const out: { locale: string; name: string; description?: string; rendering?: JsonObject } = {
      locale: requiredString(d, 'locale', 'display'),
      name: requiredString(d, 'name', 'display'),
    };
    const description = optionalString(d, 'description', 'display');
    if (description !== undefined) out.description = description;
    if (d.rendering !== undefined) {
      if (!isPlainObject(d.rendering)) invalid('display rendering is not an object');
      out.rendering = d.rendering as JsonObject;
    }
    return out;
  });
}

function parseClaim(value: unknown): RawClaimMetadata {
  if (!isPlainObject(value)) invalid('claim metadata entry is not an object');
  const path = parseClaimPath(value.path);
  const out: { path: ClaimPath; sd?: ClaimSdRule; mandatory?: boolean; display?: ClaimDisplay[]; svg_id?: string } = { path };
  if (value.sd !== undefined) {
    if (value.sd !== 'always' && value.sd !== 'allowed' && value.sd !== 'never') invalid('claim "sd" is not always, allowed or never', path);
    out.sd = value.sd;
  }
  if (value.mandatory !== undefined) {
    if (typeof value.mandatory !== 'boolean') invalid('claim "mandatory" is not a boolean', path);
    out.mandatory = value.mandatory;
  }
  if (value.display !== undefined) out.display = parseClaimDisplay(value.display, path);
  if (value.svg_id !== undefined) {
    if (typeof value.svg_id !== 'string' || !SVG_ID.test(value.svg_id)) invalid('claim "svg_id" is not a valid identifier', path);
    out.svg_id = value.svg_id;
  }
  return out;
}

/** The key identifying a claim path, for duplicate checks and `extends` merging. */
export function pathKey(path: ClaimPath): string {
  return JSON.stringify(path);
}

/**
 * Parses a Type Metadata document.
 *
 * @throws ComityError `ERR_SDJWT_VCT_METADATA_INVALID`
 */
export function parseTypeMetadataDocument(doc: unknown): RawTypeMetadata {
  if (!isPlainObject(doc)) invalid('type metadata is not a JSON object');
  const vct = requiredString(doc, 'vct', 'type metadata');
  const ext = optionalString(doc, 'extends', 'type metadata');
  const extendsIntegrity = optionalString(doc, 'extends#integrity', 'type metadata');
  if (extendsIntegrity !== undefined && ext === undefined) invalid('type metadata has "extends#integrity" without "extends"');
  const out: {
    vct: string;
    name?: string;
    description?: string;
    extends?: string;
    extendsIntegrity?: string;
    display?: TypeDisplay[];
    claims: RawClaimMetadata[];
  } = { vct, claims: [] };
  const name = optionalString(doc, 'name', 'type metadata');
  const description = optionalString(doc, 'description', 'type metadata');
  if (name !== undefined) out.name = name;
  if (description !== undefined) out.description = description;
  if (ext !== undefined) out.extends = ext;
  if (extendsIntegrity !== undefined) out.extendsIntegrity = extendsIntegrity;
  if (doc.display !== undefined) out.display = parseTypeDisplay(doc.display);
  if (doc.claims !== undefined) {
    if (!Array.isArray(doc.claims) || doc.claims.length > MAX_CLAIMS) invalid('type metadata "claims" is not an array of acceptable size');
    const seen = new Set<string>();
    const svgIds = new Set<string>();
    for (const c of doc.claims as unknown[]) {
      const claim = parseClaim(c);
      const key = pathKey(claim.path);
      if (seen.has(key)) invalid('two claim metadata entries have the same path', claim.path);
      seen.add(key);
      if (claim.svg_id !== undefined) {
        if (svgIds.has(claim.svg_id)) invalid('an svg_id is used twice', claim.path);
        svgIds.add(claim.svg_id);
      }
      out.claims.push(claim);
    }
  }
  return out;
}

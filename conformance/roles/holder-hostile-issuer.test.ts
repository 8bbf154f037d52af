/**
 * A hostile issuer crafts the credential (the signed payload and every disclosure) to make the
 * wallet send more than the citizen was shown. The wallet must refuse what RFC 9901 §7.1 forbids
 * on receipt, and for what it keeps: what a real verifier reads from a presentation is exactly
 * what the log says was sent (`disclosed` plus `alwaysSent`), and nothing of it was missing from
 * the consent screen. Credentials are hand-crafted payloads signed with real keys; no mocks.
 */
import { base64urlEncode, type ClaimPath, type ComityContext, createContext, type Jwk, localSigner, signCompactJws, utf8Encode } from '@comity/core';
import { createWallet, type PresentationRequestView } from '@comity/holder';
import { pinnedIssuerKeys } from '@comity/sd-jwt-vc';
import { createVerifier } from '@comity/verifier';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from './helpers.js';

const ctx: ComityContext = createContext();
const verifierId = 'x509_san_dns:rp.example';

// ---------------------------------------------------------------------------------------------
// Crafting: a value tree where `sd(x)` marks an object member or array element the issuer makes
// disclosable (recursively: an `sd` value may hold more `sd`s), `decoys(n)` adds decoy digests.
// ---------------------------------------------------------------------------------------------

class Sd {
  constructor(readonly value: unknown) {}
}
const sd = (value: unknown) => new Sd(value);
const DECOYS = Symbol('decoys');

/** An object literal that may use `__proto__` as an own member name. */
function obj(entries: [string, unknown][], decoyCount = 0): Record<string | symbol, unknown> {
  const o: Record<string | symbol, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  if (decoyCount > 0) o[DECOYS] = decoyCount;
  return o;
}

const encode = (d: unknown[]) => base64urlEncode(utf8Encode(JSON.stringify(d)));
const digest = async (s: string) => base64urlEncode(await ctx.crypto.digest('sha-256', utf8Encode(s)));

/** Builds the issuer-signed payload and the disclosure strings of a crafted tree. */
async function craft(tree: Record<string, unknown>): Promise<{ payload: Record<string, unknown>; disclosures: string[] }> {
  const disclosures: string[] = [];
  let salt = 0;
  const nextSalt = () => `salt-${salt++}`;
  const build = async (value: unknown): Promise<unknown> => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const v of value) {
        if (v instanceof Sd) {
          const d = encode([nextSalt(), await build(v.value)]);
          disclosures.push(d);
          out.push({ '...': await digest(d) });
        } else out.push(await build(v));
      }
      return out;
    }
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      const digests: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v instanceof Sd) {
          const d = encode([nextSalt(), k, await build(v.value)]);
          disclosures.push(d);
          digests.push(await digest(d));
        } else Object.defineProperty(out, k, { value: await build(v), enumerable: true, writable: true, configurable: true });
      }
      const decoyCount = (value as Record<symbol, unknown>)[DECOYS];
      for (let i = 0; i < (typeof decoyCount === 'number' ? decoyCount : 0); i++) digests.push(await digest(`decoy-${salt++}`));
      if (digests.length > 0) out._sd = digests;
      return out;
    }
    return value;
  };
  return { payload: (await build(tree)) as Record<string, unknown>, disclosures };
}

/** A signed compact SD-JWT VC from a payload and disclosure strings, as a hostile issuer sends it. */
async function signed(issuerKeys: { privateJwk: Jwk }, payload: Record<string, unknown>, disclosures: readonly string[]): Promise<string> {
  const jwt = await signCompactJws({ typ: 'dc+sd-jwt' }, payload, localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto));
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;
}

async function parties() {
  const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
  const walletKeys = await ctx.crypto.generateKeyPair('ES256');
  const signer = localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto);
  // Both ways a wallet may hold a hostile issuer's credential: its signature unchecked, or checked.
  const unchecked = createWallet({ keyBindingSigner: signer, ctx });
  const checked = createWallet({ keyBindingSigner: signer, issuerKey: pinnedIssuerKeys([issuerKeys.publicJwk]), ctx });
  const verify = (vp: string, nonce: string) => createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(vp, { nonce, audience: verifierId });
  const base = { vct: 'urn:eudi:pid:1', cnf: { jwk: walletKeys.publicJwk } };
  return { issuerKeys, unchecked, checked, verify, base };
}

// ---------------------------------------------------------------------------------------------
// An independent reading of what a presentation gives the verifier, at stored-claim paths.
// ---------------------------------------------------------------------------------------------

type Tree = { kind: 'leaf' } | { kind: 'node'; members: Map<string | number, Tree> };

/**
 * Processes the payload with the sent disclosures (by digest), numbering array elements as the
 * wallet stores them (every element with a disclosure in the credential counts, decoys do not).
 * Returns the claims the verifier should read (arrays compacted) and the same as a tree keyed by
 * stored paths.
 */
async function readAs(payload: Record<string, unknown>, all: readonly string[], sent: ReadonlySet<string>): Promise<{ claims: unknown; tree: Tree }> {
  const byDigest = new Map<string, { d: string; parsed: unknown[] }>();
  for (const d of all) byDigest.set(await digest(d), { d, parsed: JSON.parse(Buffer.from(d, 'base64url').toString('utf8')) as unknown[] });
  const walk = (value: unknown): { claims: unknown; tree: Tree } => {
    if (Array.isArray(value)) {
      const claims: unknown[] = [];
      const members = new Map<string | number, Tree>();
      let stored = 0;
      for (const el of value) {
        const ref =
          typeof el === 'object' && el !== null && !Array.isArray(el) && Object.hasOwn(el, '...')
            ? byDigest.get((el as Record<string, string>)['...'] as string)
            : undefined;
        if (ref !== undefined) {
          const index = stored++;
          if (!sent.has(ref.d)) continue;
          const r = walk(ref.parsed[1]);
          claims.push(r.claims);
          members.set(index, r.tree);
        } else if (typeof el === 'object' && el !== null && !Array.isArray(el) && Object.hasOwn(el, '...')) {
          // a decoy
        } else {
          const r = walk(el);
          claims.push(r.claims);
          members.set(stored++, r.tree);
        }
      }
      return { claims, tree: { kind: 'node', members } };
    }
    if (typeof value === 'object' && value !== null) {
      const claims: Record<string, unknown> = {};
      const members = new Map<string | number, Tree>();
      const put = (k: string, v: unknown) => {
        const r = walk(v);
        Object.defineProperty(claims, k, { value: r.claims, enumerable: true, writable: true, configurable: true });
        members.set(k, r.tree);
      };
      for (const [k, v] of Object.entries(value)) if (k !== '_sd' && k !== '_sd_alg') put(k, v);
      for (const dg of ((value as Record<string, unknown>)._sd as string[] | undefined) ?? []) {
        const ref = byDigest.get(dg);
        if (ref !== undefined && sent.has(ref.d)) put(ref.parsed[1] as string, ref.parsed[2]);
      }
      return { claims, tree: { kind: 'node', members } };
    }
    return { claims: value, tree: { kind: 'leaf' } };
  };
  return walk(payload);
}

/** Leaf paths of a tree; an empty container is a leaf (the verifier sees that it exists). */
function leavesOf(tree: Tree, at: ClaimPath = []): ClaimPath[] {
  if (tree.kind === 'leaf' || tree.members.size === 0) return at.length === 0 ? [] : [at];
  return [...tree.members].flatMap(([k, t]) => leavesOf(t, [...at, k]));
}

/** True if the tree has a claim the pattern names (`null`: some element). */
function has(tree: Tree, pattern: ClaimPath): boolean {
  if (pattern.length === 0) return true;
  if (tree.kind === 'leaf') return false;
  const [head, ...rest] = pattern;
  if (head === null) return [...tree.members].some(([k, t]) => typeof k === 'number' && has(t, rest));
  const t = tree.members.get(head as string | number);
  return t !== undefined && has(t, rest);
}

function matches(pattern: ClaimPath, path: ClaimPath): boolean {
  return pattern.length === path.length && pattern.every((p, i) => (p === null ? typeof path[i] === 'number' : p === path[i]));
}
/** The concrete `path` is at or inside a claim `prefix` names. */
const within = (path: ClaimPath, prefix: ClaimPath) => prefix.length <= path.length && matches(prefix, path.slice(0, prefix.length));

/**
 * Every leaf the verifier read is named by a listed path: by one at it or above it, except that a
 * container listed only for its existence (`alwaysSent` names a plain object whose members are all
 * disclosable) does not cover members that arrived in disclosures.
 */
function uncovered(
  leaves: readonly ClaimPath[],
  wholes: readonly ClaimPath[],
  exact: readonly ClaimPath[],
  disclosurePaths: readonly ClaimPath[],
): ClaimPath[] {
  return leaves.filter(
    (leaf) =>
      !wholes.some((p) => within(leaf, p)) &&
      !exact.some((p) => matches(p, leaf) || (within(leaf, p) && !disclosurePaths.some((d) => d.length > p.length && within(d, p) && within(leaf, d)))),
  );
}

/**
 * The invariant, for one request and consent: the verifier reads exactly what the log says was
 * sent, and everything sent was on the consent screen.
 */
async function checkInvariant(
  setup: Awaited<ReturnType<typeof parties>>,
  wallet: ReturnType<typeof createWallet>,
  id: string,
  crafted: { payload: Record<string, unknown>; disclosures: string[] },
  claims: readonly ClaimPath[],
  consent: readonly ClaimPath[],
): Promise<void> {
  const nonce = `n-${Math.random().toString(36).slice(2)}`;
  const request = { verifier: verifierId, nonce, claims };
  const view: PresentationRequestView = wallet.describeRequest(id, request);
  const before = wallet.log().length;
  const consentedAvailable = claims.filter((p, i) => consent.some((c) => JSON.stringify(c) === JSON.stringify(p)) && view.claims[i]?.available);
  const consentedMissing = claims.filter((p, i) => consent.some((c) => JSON.stringify(c) === JSON.stringify(p)) && !view.claims[i]?.available);
  if (consentedMissing.length > 0) {
    // `available` is exactly when present() can disclose: consent to a missing claim is refused, nothing is logged.
    expect(await codeOf(() => wallet.present(id, request, consent))).toBe('ERR_SDJWT_CLAIM_NOT_FOUND');
    expect(wallet.log().length).toBe(before);
    return;
  }
  const vp = await wallet.present(id, request, consent);
  const entry = wallet.log()[before];
  if (entry === undefined) throw new Error('no log entry');
  const result = await setup.verify(vp, nonce);
  expect(result.errors).toEqual([]);

  const sentStrings = new Set(vp.split('~').slice(1, -1));
  const read = await readAs(crafted.payload, crafted.disclosures, sentStrings);
  // The independent reading is what the real verifier read.
  expect(result.claims).toEqual(read.claims);
  const full = await readAs(crafted.payload, crafted.disclosures, new Set(crafted.disclosures));
  const disclosurePaths = await disclosurePathsOf(crafted);
  const leaves = leavesOf(read.tree);

  // 1. Everything read is in the log, and everything in the log was read.
  expect(entry.alwaysSent).toEqual(view.alwaysSent);
  expect(uncovered(leaves, entry.disclosed, entry.alwaysSent, disclosurePaths)).toEqual([]);
  for (const p of [...entry.disclosed, ...entry.alwaysSent]) expect(has(read.tree, p), JSON.stringify(p)).toBe(true);
  for (const p of entry.withheld) expect(has(read.tree, p), JSON.stringify(p)).toBe(false);
  expect(has(full.tree, [])).toBe(true);

  // 2. Everything read was on the consent screen: sent anyway, or consented with what it reveals.
  const shownWhole = consentedAvailable.flatMap((p) => {
    const c = view.claims[claims.indexOf(p)];
    return [p, ...(c?.alsoReveals ?? [])];
  });
  // A requested claim the screen marked as not withholdable is shown as sent whatever the consent.
  const notWithholdable = view.claims.filter((c) => c.available && !c.selectivelyDisclosable).map((c) => c.path);
  expect(uncovered(leaves, [...shownWhole, ...notWithholdable], view.alwaysSent, disclosurePaths)).toEqual([]);
  // And a claim the screen said is withholdable, not consented and not on the way to or revealed
  // with a consented one, is not read at all.
  for (const c of view.claims) {
    if (!c.available || !c.selectivelyDisclosable || c.path.includes(null)) continue;
    const related = shownWhole.some((k) => within(c.path, k) || within(k, c.path));
    if (!related) expect(has(read.tree, c.path), JSON.stringify(c.path)).toBe(false);
  }
}

/** The stored path of every disclosure (from a reading with all of them, one left out at a time). */
async function disclosurePathsOf(crafted: { payload: Record<string, unknown>; disclosures: string[] }): Promise<ClaimPath[]> {
  const all = leavesWithInner((await readAs(crafted.payload, crafted.disclosures, new Set(crafted.disclosures))).tree);
  const out: ClaimPath[] = [];
  for (const d of crafted.disclosures) {
    const without = new Set(
      leavesWithInner((await readAs(crafted.payload, crafted.disclosures, new Set(crafted.disclosures.filter((x) => x !== d)))).tree).map((p) =>
        JSON.stringify(p),
      ),
    );
    // The outermost path that disappears is the disclosure's own (array numbering is stored, so nothing shifts).
    const gone = all.filter((p) => !without.has(JSON.stringify(p))).sort((a, b) => a.length - b.length)[0];
    if (gone !== undefined) out.push(gone);
  }
  return out;
}

function leavesWithInner(tree: Tree, at: ClaimPath = []): ClaimPath[] {
  if (tree.kind === 'leaf') return [at];
  return [at, ...[...tree.members].flatMap(([k, t]) => leavesWithInner(t, [...at, k]))];
}

// ---------------------------------------------------------------------------------------------

describe('holder-hostile-issuer: refused on receipt (RFC 9901 §7.1, §7.2)', () => {
  it('rfc9901-7.1-hostile-structures: duplicate digests, orphans, collisions, reserved names are refused with their codes, checked or not', async () => {
    const setup = await parties();
    const given = encode(['s-g', 'given_name', 'Erika']);
    const birth = encode(['s-b', 'birthdate', '1964-08-12']);
    const el = encode(['s-e', 'DE']);
    const dg = await digest(given);
    const de = await digest(el);
    const nested = encode(['s-n', 'address', { _sd: [dg], locality: 'Köln' }]);
    const dn = await digest(nested);
    const decoy = await digest('decoy');
    const cases: [string, Record<string, unknown>, string[], string][] = [
      // The same digest twice: disclosing one place must not send a value that sits in another.
      ['same digest twice in one _sd', { _sd: [dg, dg] }, [given], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      ['same digest in two objects', { _sd: [dg], other: { _sd: [dg] } }, [given], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      ['same digest in an object and in an array', { _sd: [de], list: [{ '...': de }] }, [el], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      ['same array digest twice', { list: [{ '...': de }, { '...': de }] }, [el], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      ['a digest at the top and inside a disclosure', { _sd: [dg, dn] }, [given, nested], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      ['the same decoy twice', { _sd: [decoy], other: { _sd: [decoy] } }, [], 'ERR_SDJWT_DIGEST_DUPLICATE'],
      // Disclosures nobody references, or sent twice.
      ['an orphan disclosure', { _sd: [dg] }, [given, birth], 'ERR_SDJWT_DISCLOSURE_UNREFERENCED'],
      ['the same disclosure twice', { _sd: [dg] }, [given, given], 'ERR_SDJWT_DISCLOSURE_DUPLICATE'],
      // One name, two values at one level: which would the citizen see, which the verifier?
      ['a disclosure and a plain claim of one name', { _sd: [dg], given_name: 'Max' }, [given], 'ERR_SDJWT_CLAIM_NAME_COLLISION'],
      [
        'two disclosures of one name',
        { _sd: [dg, await digest(encode(['s-g2', 'given_name', 'Max']))] },
        [given, encode(['s-g2', 'given_name', 'Max'])],
        'ERR_SDJWT_CLAIM_NAME_COLLISION',
      ],
      ['a disclosure named _sd', { _sd: [await digest(encode(['s', '_sd', ['x']]))] }, [encode(['s', '_sd', ['x']])], 'ERR_SDJWT_DISCLOSURE_RESERVED_NAME'],
      ['a disclosure named ...', { _sd: [await digest(encode(['s', '...', 'x']))] }, [encode(['s', '...', 'x'])], 'ERR_SDJWT_DISCLOSURE_RESERVED_NAME'],
      ['an array digest to a claim disclosure', { list: [{ '...': dg }] }, [given], 'ERR_SDJWT_DISCLOSURE_SHAPE'],
      ['an _sd digest to an element disclosure', { _sd: [de] }, [el], 'ERR_SDJWT_DISCLOSURE_SHAPE'],
      ['an array digest with another member', { list: [{ '...': de, also: 'x' }] }, [el], 'ERR_SDJWT_ARRAY_ELEMENT_INVALID'],
      ['_sd_alg nested', { o: { _sd_alg: 'sha-256' } }, [], 'ERR_SDJWT_SD_ALG_NESTED'],
    ];
    for (const [name, extra, disclosures, code] of cases) {
      const credential = await signed(setup.issuerKeys, { ...setup.base, ...extra }, disclosures);
      expect(await codeOf(() => setup.unchecked.receive(credential)), name).toBe(code);
      expect(await codeOf(() => setup.checked.receive(credential)), name).toBe(code);
    }
    expect(setup.unchecked.credentials()).toEqual([]);
    expect(setup.checked.credentials()).toEqual([]);
  });

  it('holder-hostile-deep-and-many: nesting past the depth limit and more disclosures than the limit are refused', async () => {
    const setup = await parties();
    let deep: Record<string, unknown> = { leaf: 'x' };
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expect(await codeOf(async () => setup.unchecked.receive(await signed(setup.issuerKeys, { ...setup.base, deep }, [])))).toBe('ERR_SDJWT_TOO_DEEP');
    let chain: unknown = 'x';
    const disclosures: string[] = [];
    for (let i = 0; i < 70; i++) {
      const d = encode([`s${i}`, 'n', chain]);
      disclosures.push(d);
      chain = { _sd: [await digest(d)] };
    }
    const deepDisclosures = await signed(setup.issuerKeys, { ...setup.base, chain }, disclosures.reverse());
    expect(await codeOf(() => setup.unchecked.receive(deepDisclosures))).toBe('ERR_SDJWT_TOO_DEEP');
    const many = Array.from({ length: 1001 }, (_, i) => encode([`m${i}`, `c${i}`, i]));
    const manyCredential = await signed(setup.issuerKeys, { ...setup.base, _sd: await Promise.all(many.map(digest)) }, many);
    expect(await codeOf(() => setup.unchecked.receive(manyCredential))).toBe('ERR_SDJWT_MALFORMED');
  });
});

describe('holder-hostile-issuer: what is kept is shown, sent and logged exactly', () => {
  it('holder-hostile-null-step-element-without-claim: sharing degrees[*].type does not send an element that has no type', async () => {
    const setup = await parties();
    const crafted = await craft({ ...setup.base, degrees: [sd({ type: 'BSc' }), sd({ secret: 'hidden' }), sd({ type: 'MSc', year: 2012 })] });
    const stored = await setup.unchecked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    const request = { verifier: verifierId, nonce: 'n-1', claims: [['degrees', null, 'type']] };
    const view = setup.unchecked.describeRequest(stored.id, request);
    // Sharing it sends elements 0 and 2 whole: year goes with them, and the screen says so.
    expect(view.claims[0]).toEqual({ path: ['degrees', null, 'type'], available: true, selectivelyDisclosable: true, alsoReveals: [['degrees', 2, 'year']] });
    const vp = await setup.unchecked.present(stored.id, request, request.claims);
    const result = await setup.verify(vp, 'n-1');
    expect(result.valid).toBe(true);
    expect(result.claims.degrees).toEqual([{ type: 'BSc' }, { type: 'MSc', year: 2012 }]);
    expect(setup.unchecked.log()[0]).toMatchObject({
      disclosed: [
        ['degrees', null, 'type'],
        ['degrees', 2, 'year'],
      ],
      withheld: [],
    });
    await checkInvariant(setup, setup.unchecked, stored.id, crafted, request.claims, request.claims);
  });

  it('holder-hostile-null-step-partly-plain: a null path over plain and disclosable elements is not shown as withholdable', async () => {
    const setup = await parties();
    const crafted = await craft({ ...setup.base, nationalities: ['DE', sd('FR')], degrees: [{ type: 'BSc' }, { type: sd('MSc') }] });
    const stored = await setup.checked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    expect(stored.issuerSignature).toBe('verified');
    const claims: ClaimPath[] = [
      ['nationalities', null],
      ['nationalities', 1],
      ['degrees', null, 'type'],
      ['degrees', 1, 'type'],
    ];
    const request = { verifier: verifierId, nonce: 'n-1', claims };
    const view = setup.checked.describeRequest(stored.id, request);
    // 'DE' and 'BSc' go whatever the consent: withholding the null paths cannot withhold them.
    expect(view.claims.map((c) => c.selectivelyDisclosable)).toEqual([false, true, false, true]);
    const vp = await setup.checked.present(stored.id, request, []);
    const result = await setup.verify(vp, 'n-1');
    expect(result.claims).toMatchObject({ nationalities: ['DE'], degrees: [{ type: 'BSc' }, {}] });
    // What the log records agrees with the screen: the not-withholdable paths were read, the others withheld.
    expect(setup.checked.log()[0]).toMatchObject({
      disclosed: [
        ['nationalities', null],
        ['degrees', null, 'type'],
      ],
      withheld: [
        ['nationalities', 1],
        ['degrees', 1, 'type'],
      ],
    });
    for (const consent of [[], claims, [claims[1] as ClaimPath], [claims[3] as ClaimPath]])
      await checkInvariant(setup, setup.checked, stored.id, crafted, claims, consent);
  });

  it('holder-hostile-recursive: consenting to a parent lists every nested claim sent; a nested claim sends its parents and the screen says so', async () => {
    const setup = await parties();
    const crafted = await craft({
      ...setup.base,
      address: sd(
        obj(
          [
            ['street', sd('Heidestraße 17')],
            ['locality', sd('Köln')],
            ['country', 'DE'],
            ['geo', sd({ lat: sd(50.9), lng: 6.9 })],
          ],
          2,
        ),
      ),
    });
    const stored = await setup.unchecked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    const claims: ClaimPath[] = [['address'], ['address', 'street'], ['address', 'geo', 'lat']];
    const view = setup.unchecked.describeRequest(stored.id, { verifier: verifierId, claims });
    expect(view.claims[1]).toEqual({ path: ['address', 'street'], available: true, selectivelyDisclosable: true, alsoReveals: [['address', 'country']] });
    expect(view.claims[2]).toEqual({
      path: ['address', 'geo', 'lat'],
      available: true,
      selectivelyDisclosable: true,
      revealsAllOf: ['address', 'geo'],
      alsoReveals: [
        ['address', 'geo', 'lng'],
        ['address', 'country'],
      ],
    });
    for (const consent of [[], [claims[0]], [claims[1]], [claims[2]], claims] as ClaimPath[][])
      await checkInvariant(setup, setup.unchecked, stored.id, crafted, claims, consent);
  });

  it('holder-hostile-prototype-names: __proto__ and constructor are claims like any other', async () => {
    const setup = await parties();
    const crafted = await craft({
      ...setup.base,
      o: obj([
        ['__proto__', sd({ isAdmin: true })],
        ['constructor', sd('x')],
        ['toString', 'plain'],
      ]),
    });
    const stored = await setup.unchecked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    expect(Object.getPrototypeOf(stored.claims.o)).toBe(Object.prototype);
    const claims: ClaimPath[] = [
      ['o', '__proto__'],
      ['o', '__proto__', 'isAdmin'],
      ['o', 'constructor'],
      ['o', 'toString'],
      ['o', 'hasOwnProperty'],
    ];
    const view = setup.unchecked.describeRequest(stored.id, { verifier: verifierId, claims });
    expect(view.claims.map((c) => c.available)).toEqual([true, true, true, true, false]);
    for (const consent of [[], [claims[0]], [claims[1]], [claims[2]], claims.slice(0, 4)] as ClaimPath[][])
      await checkInvariant(setup, setup.unchecked, stored.id, crafted, claims, consent);
  });

  it('holder-hostile-consent-not-requested: consent to a path the request did not ask for sends nothing of it', async () => {
    const setup = await parties();
    const crafted = await craft({ ...setup.base, given_name: sd('Erika'), birthdate: sd('1964-08-12') });
    const stored = await setup.unchecked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    const vp = await setup.unchecked.present(stored.id, { verifier: verifierId, nonce: 'n-1', claims: [['given_name']] }, [['birthdate'], ['given_name', 0]]);
    expect((await setup.verify(vp, 'n-1')).claims).not.toHaveProperty('birthdate');
    expect(setup.unchecked.log()[0]).toMatchObject({ disclosed: [], withheld: [['given_name']] });
  });

  it('holder-hostile-property: on a nasty credential, random requests and consents keep the verifier, the log and the screen in step', async () => {
    const setup = await parties();
    const crafted = await craft({
      ...setup.base,
      given_name: sd('Erika'),
      nationalities: ['DE', sd('FR'), sd('IT')],
      degrees: [sd({ type: 'BSc', secret: sd('s1') }), sd(obj([['note', 'no type']], 1)), { type: sd('MSc'), year: 2012 }],
      address: sd(
        obj(
          [
            ['street', sd('Heidestraße 17')],
            ['country', 'DE'],
            ['geo', sd({ lat: sd(50.9), lng: 6.9 })],
          ],
          2,
        ),
      ),
      plain: obj(
        [
          ['a', sd(1)],
          ['b', sd({ c: sd([sd('deep')]) })],
        ],
        3,
      ),
      o: obj([['__proto__', sd({ x: 1 })]]),
    });
    const stored = await setup.unchecked.receive(await signed(setup.issuerKeys, crafted.payload, crafted.disclosures));
    const candidates: ClaimPath[] = [
      ['given_name'],
      ['nationalities', null],
      ['nationalities', 1],
      ['nationalities', 0],
      ['nationalities', 7],
      ['degrees', null],
      ['degrees', null, 'type'],
      ['degrees', null, 'secret'],
      ['degrees', 1, 'note'],
      ['degrees', 2, 'type'],
      ['address'],
      ['address', 'street'],
      ['address', 'geo', 'lat'],
      ['address', 'geo'],
      ['plain'],
      ['plain', 'b', 'c', null],
      ['plain', 'b', 'c', 0],
      ['plain', 'a'],
      ['o', '__proto__', 'x'],
      ['vct'],
      ['cnf', 'jwk'],
      ['missing'],
    ];
    const subset = fc.subarray(candidates, { minLength: 1 });
    await fc.assert(
      fc.asyncProperty(
        subset.chain((claims) => fc.tuple(fc.constant(claims), fc.subarray([...claims, ['birthdate'], ['given_name', 'x']] as ClaimPath[]))),
        async ([claims, consent]) => {
          await checkInvariant(setup, setup.unchecked, stored.id, crafted, claims, consent);
        },
      ),
      { numRuns: 60, seed: 20261127 },
    );
  });
});

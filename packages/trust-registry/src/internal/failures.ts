/**
 * Which failed sources a decision must stop on, and which it may go past.
 *
 * A failure without a territory (a configured source, a list of the lists, an agreement or
 * status list) is fatal for its categories: a broken or forged top-level list is a security
 * signal. A failed list that a list of the lists pointed to is scoped to the pointer's
 * territory: it contributed no anchors, so a chain anchored in another list is decided as
 * usual; only a chain anchored nowhere may have been listed there (the decision is then
 * indeterminate, not rejected).
 */
import type { SourceFailure } from '../registry.js';
import type { TrustCategory } from '../types.js';

/** The categories a TS 119 612 list can anchor (what `categoryOfTlServiceType` returns). */
const TL_CATEGORIES: readonly TrustCategory[] = ['qeaa', 'pub-eaa', 'eaa'];

/** Anchoring results that mean "no anchor of this store matched", as opposed to a chain that reached one and failed. */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['ERR_X509_CHAIN_UNANCHORED', 'ERR_TRUST_KEY_UNANCHORED']);

/** Whether a territory-scoped failure could have held an anchor of category `c`. */
export function mayHold(f: SourceFailure, c: TrustCategory): boolean {
  if (f.category !== undefined) return f.category === c;
  // A failed trusted list can only have held the categories trusted lists anchor.
  return f.kind !== 'trusted-list' || TL_CATEGORIES.includes(c);
}

/**
 * Splits the registry's failures for a decision over `categories`: the first fatal one (same
 * relevance rule as before scoping existed), and the territory-scoped ones that could have held
 * an anchor of one of the categories.
 */
export function relevantFailures(
  failures: readonly SourceFailure[],
  categories: readonly TrustCategory[],
): { readonly fatal: SourceFailure | undefined; readonly scoped: readonly SourceFailure[] } {
  const scoped: SourceFailure[] = [];
  for (const f of failures) {
    if (f.territory === undefined) {
      if (f.category === undefined || categories.length === 0 || categories.includes(f.category)) return { fatal: f, scoped };
    } else if (categories.some((c) => mayHold(f, c))) scoped.push(f);
  }
  return { fatal: undefined, scoped };
}

/** Check parameters / evidence naming the failed lists that were not consulted (ids and territories; no credential data). */
export function notConsulted(scoped: readonly SourceFailure[]): Record<string, string> {
  if (scoped.length === 0) return {};
  return {
    notConsulted: scoped.map((f) => f.id).join(' '),
    notConsultedTerritories: scoped.map((f) => f.territory ?? '-').join(' '),
    notConsultedErrors: scoped.map((f) => f.code).join(' '),
  };
}

/** The failure to report for a chain anchored nowhere: the one of the leaf's claimed country when there is one, else the first. */
export function likeliestFailure(hidden: readonly SourceFailure[], country: string | undefined): SourceFailure | undefined {
  // The leaf's C is not authenticated: it only picks which failure to name, never an outcome.
  return hidden.find((f) => country !== undefined && f.territory?.slice(0, 2).toUpperCase() === country) ?? hidden[0];
}

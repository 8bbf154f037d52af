/**
 * `--trust` / `--trust-list` handling shared by `verify` and `trust evaluate`.
 */
import { dirname, resolve } from 'node:path';
import { ComityError, type CryptoProvider } from '@comity/core';
import { loadTrustConfig, type TrustDecision, type TrustRegistry, trustListAsRegistry } from '@comity/trust-registry';
import { CliUsageError, readBytes, readCertificates, readInput } from './io.js';

/** A registry, or the decision that loading the trust source already failed (a rejection, not a usage error). */
export type LoadedTrust = { registry: TrustRegistry } | { failure: { code: string; message: string } };

/** Loads `--trust CONFIG` or `--trust-list FILE --trust-list-signer PEM`; undefined when neither is given. */
export async function loadTrustOption(
  values: { trust?: string | undefined; 'trust-list'?: string | undefined; 'trust-list-signer'?: string | undefined },
  crypto: CryptoProvider,
): Promise<LoadedTrust | undefined> {
  if (values.trust !== undefined && values['trust-list'] !== undefined) throw new CliUsageError('give --trust or --trust-list, not both');
  if (values['trust-list-signer'] !== undefined && values['trust-list'] === undefined) throw new CliUsageError('--trust-list-signer goes with --trust-list');
  if (values.trust !== undefined) {
    const path = resolve(values.trust);
    let json: unknown;
    try {
      json = JSON.parse(readInput(path));
    } catch (e) {
      if (e instanceof CliUsageError) throw e;
      throw new CliUsageError(`${values.trust} is not valid JSON`);
    }
    try {
      return { registry: await loadTrustConfig(json, { baseDir: dirname(path), crypto, readFile: async (p) => readBytes(p) }) };
    } catch (e) {
      if (e instanceof ComityError && e.code === 'ERR_TRUST_CONFIG_INVALID') throw new CliUsageError(`${values.trust}: ${e.message}`);
      if (e instanceof ComityError) return { failure: { code: e.code, message: e.message } };
      throw new CliUsageError(`cannot load ${values.trust}`);
    }
  }
  if (values['trust-list'] !== undefined) {
    if (values['trust-list-signer'] === undefined) throw new CliUsageError('--trust-list needs --trust-list-signer (the list signer certificate, PEM)');
    const signers = await readCertificates([values['trust-list-signer']]);
    const bytes = readBytes(values['trust-list']);
    try {
      return { registry: await trustListAsRegistry(bytes, signers, { crypto }) };
    } catch (e) {
      if (e instanceof ComityError) return { failure: { code: e.code, message: e.message } };
      throw e;
    }
  }
  return undefined;
}

/** The `trust` member of the JSON output. */
export function trustOutput(decision: TrustDecision): Record<string, unknown> {
  return {
    outcome: decision.outcome,
    ...(decision.category === undefined ? {} : { category: decision.category }),
    ...(decision.agreement === undefined ? {} : { agreement: decision.agreement }),
    ...(decision.agreementList === undefined ? {} : { agreementList: decision.agreementList }),
    sources: decision.sources,
    ...(decision.anchor === undefined ? {} : { anchor: decision.anchor }),
    checks: decision.checks.map((c) => ({
      code: c.code,
      result: c.result,
      message: c.message.en,
      message_fr: c.message.fr,
      ...(c.evidence === undefined ? {} : { evidence: c.evidence }),
    })),
    mappedClaims: decision.mappedClaims,
    droppedClaims: decision.droppedClaims,
    ...(decision.targetSchema === undefined ? {} : { targetSchema: decision.targetSchema }),
  };
}

/** The decision reported when the trust source itself failed to load (e.g. a bad list signature). */
export function failedSourceOutput(failure: { code: string; message: string }): Record<string, unknown> {
  return {
    outcome: 'rejected',
    sources: [],
    checks: [{ code: 'TRUST_LIST_SIGNATURE', result: 'fail', message: `the trust source could not be verified (${failure.code})` }],
    mappedClaims: {},
    droppedClaims: [],
  };
}

import { createContext, type Issue } from '@comity/core';
import { type CredentialFormat, createVerifier } from '@comity/verifier';
import { CliUsageError, parseCli, parseHandover, parseHex, parseNow, parseSeconds, readCertificates, readInput, readPrivateKey, readPublicKey } from '../io.js';
import { failedSourceOutput, loadTrustOption, trustOutput } from '../trust-options.js';

export const VERIFY_USAGE = `comity verify [FILE|-] --json [--format auto|sd-jwt|dc+sd-jwt|mso_mdoc] [--issuer-key FILE]... [--trust-anchor FILE]...
              [--now ISO8601|EPOCH] [--nonce S] [--aud S] [--typ S] [--kb-max-age SECONDS] [--no-key-binding] [--vct S]...
              [--session-transcript-hex HEX | --handover JSON] [--reader-key FILE] [--doc-type S] [--document-signer-eku OID]...
              [--trust FILE | --trust-list FILE --trust-list-signer FILE]
              [--status-key FILE]... [--status-required] [--allow-loopback-http]`;

/** Output of `comity verify --json`. */
export interface VerifyOutput {
  valid: boolean;
  format: string;
  errors: Array<{ code: string; message: string }>;
  warnings: Array<{ code: string; message: string }>;
  claims: Record<string, unknown>;
  issuer: Record<string, unknown>;
  trust?: Record<string, unknown>;
}

/** Runs `comity verify`; returns the exit code (0 accepted, 1 rejected). */
export async function verifyCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCli({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      format: { type: 'string' },
      'issuer-key': { type: 'string', multiple: true },
      'trust-anchor': { type: 'string', multiple: true },
      now: { type: 'string' },
      nonce: { type: 'string' },
      aud: { type: 'string' },
      typ: { type: 'string' },
      'kb-max-age': { type: 'string' },
      'no-key-binding': { type: 'boolean' },
      'session-transcript-hex': { type: 'string' },
      handover: { type: 'string' },
      'reader-key': { type: 'string' },
      'doc-type': { type: 'string' },
      vct: { type: 'string', multiple: true },
      'document-signer-eku': { type: 'string', multiple: true },
      trust: { type: 'string' },
      'trust-list': { type: 'string' },
      'trust-list-signer': { type: 'string' },
      'issuer-metadata': { type: 'boolean' },
      'status-key': { type: 'string', multiple: true },
      'status-required': { type: 'boolean' },
      'allow-loopback-http': { type: 'boolean' },
      did: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) throw new CliUsageError('verify takes one input file');
  const format = values.format ?? 'auto';
  if (!['auto', 'sd-jwt', 'dc+sd-jwt', 'mso_mdoc'].includes(format)) throw new CliUsageError(`unknown --format ${format}`);
  if (values['session-transcript-hex'] !== undefined && values.handover !== undefined)
    throw new CliUsageError('give --session-transcript-hex or --handover, not both');
  const sessionTranscript = values['session-transcript-hex'] === undefined ? undefined : parseHex(values['session-transcript-hex'], '--session-transcript-hex');
  const handover = values.handover === undefined ? undefined : parseHandover(values.handover);
  const readerPrivateKey = values['reader-key'] === undefined ? undefined : readPrivateKey(values['reader-key']);
  const kbMaxAge = values['kb-max-age'] === undefined ? undefined : parseSeconds(values['kb-max-age'], '--kb-max-age');
  const now = parseNow(values.now);
  const input = readInput(positionals[0]).trim();
  const issuerKeys = (values['issuer-key'] ?? []).map(readPublicKey);
  const trustAnchors = await readCertificates(values['trust-anchor'] ?? []);
  const statusKeys = (values['status-key'] ?? []).map(readPublicKey);
  if (values['status-required'] === true && statusKeys.length === 0) throw new CliUsageError('--status-required needs --status-key');
  // It only widens the status fetch; alone it would silently do nothing.
  if (values['allow-loopback-http'] === true && statusKeys.length === 0) throw new CliUsageError('--allow-loopback-http needs --status-key');
  const status =
    statusKeys.length === 0
      ? undefined
      : {
          keys: statusKeys,
          mode: values['status-required'] === true ? ('required' as const) : ('if-present' as const),
          ...(values['allow-loopback-http'] === true ? { allowLoopbackHttp: true } : {}),
        };
  const network = values['issuer-metadata'] === true || values.did === true || status !== undefined;
  const ctx = createContext({ ...(now === undefined ? {} : { now: () => now }), ...(network ? { fetch: globalThis.fetch } : {}) });
  const trust = await loadTrustOption(values, ctx.crypto);
  if (trust !== undefined && 'failure' in trust) {
    // The trust source itself failed (bad or missing signature): nothing can be accepted.
    const output: VerifyOutput = {
      valid: false,
      format: 'unknown',
      errors: [trust.failure],
      warnings: [],
      claims: {},
      issuer: {},
      trust: failedSourceOutput(trust.failure),
    };
    out(values.json ? JSON.stringify(output) : `rejected: trust source failed (${trust.failure.code})`);
    return 1;
  }
  const verifier = createVerifier({
    ctx,
    issuerKeys,
    trustAnchors,
    issuerMetadata: values['issuer-metadata'] ?? false,
    did: values.did ?? false,
    ...(trust === undefined ? {} : { trustRegistry: trust.registry }),
    ...(status === undefined ? {} : { status }),
    ...(values['document-signer-eku'] === undefined ? {} : { documentSignerEkus: values['document-signer-eku'] }),
  });
  const result = await verifier.verify(input, {
    format: format as 'auto' | CredentialFormat,
    keyBinding: values['no-key-binding'] !== true,
    ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
    ...(values.aud === undefined ? {} : { audience: values.aud }),
    ...(values.typ === undefined ? {} : { typ: values.typ }),
    ...(kbMaxAge === undefined ? {} : { kbMaxAgeSeconds: kbMaxAge }),
    ...(sessionTranscript === undefined ? {} : { sessionTranscript }),
    ...(handover === undefined ? {} : { handover }),
    ...(readerPrivateKey === undefined ? {} : { readerPrivateKey }),
    ...(values['doc-type'] === undefined ? {} : { docType: values['doc-type'] }),
    ...(values.vct === undefined ? {} : { vctValues: values.vct }),
  });
  const issues = (list: readonly Issue[]) => list.map((e) => ({ code: e.code, message: e.message, ...(e.path === undefined ? {} : { path: e.path }) }));
  const output: VerifyOutput = {
    valid: result.valid,
    format: result.format,
    errors: issues(result.errors),
    warnings: issues(result.warnings),
    claims: result.claims,
    issuer: { ...(result.issuer ?? {}) },
    ...(result.trust === undefined ? {} : { trust: trustOutput(result.trust) }),
  };
  if (values.json) out(JSON.stringify(output));
  else {
    out(result.valid ? `accepted (${result.format})` : `rejected (${result.format})`);
    for (const e of output.errors) out(`  error ${e.code}: ${e.message}`);
    for (const w of output.warnings) out(`  warning ${w.code}: ${w.message}`);
    if (result.valid) out(JSON.stringify(result.claims, null, 2));
  }
  return result.valid ? 0 : 1;
}

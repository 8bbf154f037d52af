import { base64Decode, type Certificate, ComityError, createContext, localSigner, parseCertificate, pemToDerList } from '@comity/core';
import { type AgreementList, evaluateTrust, inspectTrustFile, signAgreementList, type TrustCredential, verifyAgreementList } from '@comity/trust-registry';
import { CliUsageError, parseCli, parseNow, readBytes, readCertificates, readInput, readPrivateKey } from '../io.js';
import { failedSourceOutput, loadTrustOption, trustOutput } from '../trust-options.js';

export const TRUST_USAGE = `comity trust inspect FILE
  comity trust sign LIST.json --key FILE [--cert FILE]...     (prints the signed agreement list, a compact JWS)
  comity trust verify FILE --signer FILE...                   (checks a signed agreement list against pinned signer certificates)
  comity trust evaluate CREDENTIAL.json (--trust FILE | --trust-list FILE --trust-list-signer FILE) [--now ISO8601|EPOCH]`;

/** Runs `comity trust ...`. */
export async function trustCommand(args: string[], out: (line: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'inspect':
      return inspect(rest, out);
    case 'sign':
      return sign(rest, out);
    case 'verify':
      return verify(rest, out);
    case 'evaluate':
      return evaluate(rest, out);
    default:
      throw new CliUsageError(`unknown trust subcommand ${sub ?? ''}`);
  }
}

async function inspect(args: string[], out: (line: string) => void): Promise<number> {
  const { positionals } = parseCli({ args, allowPositionals: true, strict: true, options: {} });
  if (positionals.length !== 1) throw new CliUsageError('trust inspect takes one file');
  out(JSON.stringify({ verified: false, ...(await inspectTrustFile(readBytes(positionals[0] as string))) }, null, 2));
  return 0;
}

async function sign(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCli({
    args,
    allowPositionals: true,
    strict: true,
    options: { key: { type: 'string' }, cert: { type: 'string', multiple: true } },
  });
  if (positionals.length !== 1 || values.key === undefined) throw new CliUsageError('trust sign takes LIST.json and --key');
  let list: AgreementList;
  try {
    list = JSON.parse(readInput(positionals[0])) as AgreementList;
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${positionals[0]} is not valid JSON`);
  }
  const key = readPrivateKey(values.key);
  const alg = key.kty === 'OKP' ? 'EdDSA' : key.crv === 'P-384' ? 'ES384' : key.crv === 'P-521' ? 'ES512' : 'ES256';
  const chain = await readCertificates(values.cert ?? []);
  const ctx = createContext();
  try {
    out(await signAgreementList(list, localSigner(key, alg, ctx.crypto), chain));
  } catch (e) {
    if (e instanceof ComityError) throw new CliUsageError(`${positionals[0]} is not a valid agreement list (${e.code})`);
    throw e;
  }
  return 0;
}

async function verify(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCli({ args, allowPositionals: true, strict: true, options: { signer: { type: 'string', multiple: true } } });
  if (positionals.length !== 1 || values.signer === undefined) throw new CliUsageError('trust verify takes FILE and --signer');
  const signers = await readCertificates(values.signer);
  try {
    const verified = await verifyAgreementList(readInput(positionals[0]).trim(), signers);
    out(JSON.stringify({ valid: true, signerSha256: verified.signerSha256, digest: verified.digest, list: verified.list }));
    return 0;
  } catch (e) {
    if (!(e instanceof ComityError)) throw e;
    out(JSON.stringify({ valid: false, errors: [{ code: e.code, message: e.message }] }));
    return 1;
  }
}

async function evaluate(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCli({
    args,
    allowPositionals: true,
    strict: true,
    options: { trust: { type: 'string' }, 'trust-list': { type: 'string' }, 'trust-list-signer': { type: 'string' }, now: { type: 'string' } },
  });
  if (positionals.length !== 1) throw new CliUsageError('trust evaluate takes one credential description (JSON)');
  const now = parseNow(values.now) ?? new Date();
  const credential = await readCredential(positionals[0] as string);
  const trust = await loadTrustOption(values, createContext().crypto);
  if (trust === undefined) throw new CliUsageError('trust evaluate needs --trust or --trust-list');
  if ('failure' in trust) {
    out(JSON.stringify(failedSourceOutput(trust.failure)));
    return 1;
  }
  const decision = await evaluateTrust(trust.registry, credential, { now });
  out(JSON.stringify(trustOutput(decision)));
  return decision.outcome === 'accepted' ? 0 : 1;
}

/** `{format, type, issuerCertificates: [PEM or base64 DER], claims, signedAt?}`. */
async function readCredential(path: string): Promise<TrustCredential> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readInput(path)) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    throw new CliUsageError(`${path} is not valid JSON`);
  }
  if (typeof json.format !== 'string' || typeof json.type !== 'string' || typeof json.claims !== 'object' || json.claims === null) {
    throw new CliUsageError(`${path} needs "format", "type" and "claims"`);
  }
  const certs: Certificate[] = [];
  for (const c of Array.isArray(json.issuerCertificates) ? json.issuerCertificates : []) {
    if (typeof c !== 'string') throw new CliUsageError('issuerCertificates must be PEM or base64 DER strings');
    try {
      for (const der of c.includes('-----BEGIN') ? pemToDerList(c) : [base64Decode(c)]) certs.push(await parseCertificate(der));
    } catch {
      throw new CliUsageError('an issuer certificate cannot be parsed');
    }
  }
  const signedAt = typeof json.signedAt === 'string' ? new Date(json.signedAt) : undefined;
  return {
    format: json.format,
    type: json.type,
    claims: json.claims as Record<string, unknown>,
    ...(certs.length > 0 ? { issuerCertificates: certs } : {}),
    ...(signedAt === undefined || Number.isNaN(signedAt.getTime()) ? {} : { signedAt }),
  };
}

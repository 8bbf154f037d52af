import { writeFileSync } from 'node:fs';
import { createContext, epochSeconds, type Jwk, localSigner, toPublicJwk } from '@comity/core';
import { issueSdJwtVc } from '@comity/sd-jwt-vc';
import { CliUsageError, parseClaimPath, parseCli, parseSeconds, readInput, readPrivateKey, readPublicKey } from '../io.js';

export const ISSUE_USAGE = `comity issue [--claims JSON|@FILE] [--vct S] [--iss S] [--sd PATH]... [--all-sd] [--issuer-key FILE] [--holder-key FILE]
             [--expires-in SECONDS] [--save-keys PREFIX] [--json]`;

/** Runs `comity issue`: a quick SD-JWT VC for experiments. Ephemeral keys are generated when none are given. */
export async function issueCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCli({
    args,
    strict: true,
    options: {
      claims: { type: 'string' },
      vct: { type: 'string' },
      iss: { type: 'string' },
      sd: { type: 'string', multiple: true },
      'all-sd': { type: 'boolean' },
      'issuer-key': { type: 'string' },
      'holder-key': { type: 'string' },
      'expires-in': { type: 'string' },
      'save-keys': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const ctx = createContext();
  let claims: Record<string, unknown> = { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12', age_over_18: true };
  if (values.claims !== undefined) {
    const text = values.claims.startsWith('@') ? readInput(values.claims.slice(1)) : values.claims;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliUsageError('--claims is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliUsageError('--claims must be a JSON object');
    claims = parsed as Record<string, unknown>;
  }
  const issuer =
    values['issuer-key'] === undefined ? await ctx.crypto.generateKeyPair('ES256') : { privateJwk: readPrivateKey(values['issuer-key']), publicJwk: undefined };
  const issuerPublic = issuer.publicJwk ?? toPublicJwk(issuer.privateJwk);
  let holderPublic: Jwk;
  let holderPrivate: Jwk | undefined;
  if (values['holder-key'] === undefined) {
    const pair = await ctx.crypto.generateKeyPair('ES256');
    holderPublic = pair.publicJwk;
    holderPrivate = pair.privateJwk;
  } else holderPublic = readPublicKey(values['holder-key']);
  const alg = issuer.privateJwk.kty === 'OKP' ? 'EdDSA' : issuer.privateJwk.crv === 'P-384' ? 'ES384' : issuer.privateJwk.crv === 'P-521' ? 'ES512' : 'ES256';
  const disclosable = values['all-sd'] ? Object.keys(claims).map((k) => [k]) : (values.sd ?? []).map(parseClaimPath);
  const expiresIn = values['expires-in'] === undefined ? 365 * 86400 : parseSeconds(values['expires-in'], '--expires-in');
  const credential = await issueSdJwtVc(
    {
      vct: values.vct ?? 'urn:comity:example:1',
      ...(values.iss === undefined ? {} : { issuer: values.iss }),
      claims,
      disclosable,
      holderKey: holderPublic,
      expiresAt: epochSeconds(ctx) + expiresIn,
      signer: localSigner(issuer.privateJwk, alg, ctx.crypto),
    },
    ctx,
  );
  if (values['save-keys'] !== undefined) {
    const prefix = values['save-keys'];
    try {
      writeFileSync(`${prefix}issuer.pub.jwk`, JSON.stringify(issuerPublic));
      if (holderPrivate !== undefined) writeFileSync(`${prefix}holder.jwk`, JSON.stringify(holderPrivate), { mode: 0o600 });
    } catch {
      throw new CliUsageError(`cannot write the keys to ${prefix}*`);
    }
  }
  if (values.json)
    out(JSON.stringify({ credential, issuerPublicJwk: issuerPublic, ...(holderPrivate === undefined ? {} : { holderPrivateJwk: holderPrivate }) }));
  else out(credential);
  return 0;
}

/**
 * Shared by the CLI tests: the command run in-process, and a real SD-JWT VC PID with its
 * presentation and keys written as files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '@comity/cli';
import { createContext, type Jwk, localSigner } from '@comity/core';
import { issueSdJwtVc, presentSdJwt } from '@comity/sd-jwt-vc';

/** Runs `comity ARGS` in-process: exit code, stdout and stderr. */
export async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Writes into `dir` a PID (given_name and age_over_18 disclosable, valid an hour) as
 * credential.txt, its presentation of age_over_18 to https://rp.example with nonce n-42 as
 * vp.txt, and the issuer's public key as issuer.jwk. Returns the holder's keys.
 */
export async function writePidFiles(dir: string): Promise<{ issuer: { privateJwk: Jwk; publicJwk: Jwk }; holder: { privateJwk: Jwk; publicJwk: Jwk } }> {
  const ctx = createContext();
  const issuer = await ctx.crypto.generateKeyPair('ES256');
  const holder = await ctx.crypto.generateKeyPair('ES256');
  const now = Math.floor(Date.now() / 1000);
  const credential = await issueSdJwtVc(
    {
      vct: 'urn:eudi:pid:1',
      issuer: 'https://pid.example',
      holderKey: holder.publicJwk,
      expiresAt: now + 3600,
      claims: { given_name: 'Erika', age_over_18: true },
      disclosable: [['given_name'], ['age_over_18']],
      signer: localSigner(issuer.privateJwk, 'ES256', ctx.crypto),
    },
    ctx,
  );
  const vp = await presentSdJwt(
    credential,
    { disclose: [['age_over_18']], keyBinding: { signer: localSigner(holder.privateJwk, 'ES256', ctx.crypto), audience: 'https://rp.example', nonce: 'n-42' } },
    ctx,
  );
  writeFileSync(join(dir, 'credential.txt'), credential);
  writeFileSync(join(dir, 'vp.txt'), vp);
  writeFileSync(join(dir, 'issuer.jwk'), JSON.stringify(issuer.publicJwk));
  return { issuer, holder };
}

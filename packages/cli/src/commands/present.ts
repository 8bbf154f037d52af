import { createContext, localSigner } from '@comity/core';
import { presentSdJwt } from '@comity/sd-jwt-vc';
import { CliUsageError, parseClaimPath, parseCli, readInput, readPrivateKey } from '../io.js';

export const PRESENT_USAGE = 'comity present FILE --disclose PATH... [--all] [--holder-key FILE --nonce S --aud S]';

/** Runs `comity present`: selective disclosure plus a Key Binding JWT. */
export async function presentCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseCli({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      disclose: { type: 'string', multiple: true },
      all: { type: 'boolean' },
      'holder-key': { type: 'string' },
      nonce: { type: 'string' },
      aud: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new CliUsageError('present takes one credential file');
  const ctx = createContext();
  const credential = readInput(positionals[0]).trim();
  let keyBinding: Parameters<typeof presentSdJwt>[1]['keyBinding'];
  if (values['holder-key'] !== undefined) {
    if (values.nonce === undefined || values.aud === undefined) throw new CliUsageError('--holder-key needs --nonce and --aud');
    const key = readPrivateKey(values['holder-key']);
    const alg = key.kty === 'OKP' ? 'EdDSA' : key.crv === 'P-384' ? 'ES384' : key.crv === 'P-521' ? 'ES512' : 'ES256';
    keyBinding = { signer: localSigner(key, alg, ctx.crypto), nonce: values.nonce, audience: values.aud };
  }
  const presentation = await presentSdJwt(
    credential,
    { disclose: values.all ? 'all' : (values.disclose ?? []).map(parseClaimPath), ...(keyBinding === undefined ? {} : { keyBinding }) },
    ctx,
  );
  out(presentation);
  return 0;
}

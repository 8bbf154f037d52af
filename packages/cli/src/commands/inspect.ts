import { createContext } from '@comity/core';
import { inspectMdoc } from '@comity/mdoc';
import { compactOfSdJwtJson, decodeSdJwt } from '@comity/sd-jwt-vc';
import { detectFormat, mdocBytes } from '@comity/verifier';
import { CliUsageError, parseCli, readInput } from '../io.js';

/** Runs `comity inspect FILE`: decodes without verifying. */
export async function inspectCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { positionals } = parseCli({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' } } });
  if (positionals.length !== 1) throw new CliUsageError('inspect takes one input file');
  const input = readInput(positionals[0]).trim();
  const format = detectFormat(input);
  if (format === 'mso_mdoc') {
    out(JSON.stringify({ format, verified: false, ...inspectMdoc(mdocBytes(input)) }, null, 2));
    return 0;
  }
  // A JWS JSON Serialization is shown through its compact form (first signature, RFC 9901 §8.1).
  const decoded = await decodeSdJwt(input.startsWith('{') ? compactOfSdJwtJson(input) : input, createContext());
  out(
    JSON.stringify(
      {
        format,
        verified: false,
        header: decoded.header,
        payload: decoded.payload,
        hashAlg: decoded.hashAlg,
        disclosures: decoded.disclosures.map((d) => ({ digest: d.digest, path: d.path, ...(d.name === undefined ? {} : { name: d.name }), value: d.value })),
        claims: decoded.claims,
        ...(decoded.keyBindingJwt === undefined ? {} : { keyBindingJwt: decoded.keyBindingJwt }),
      },
      null,
      2,
    ),
  );
  return 0;
}

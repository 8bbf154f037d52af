/**
 * `pnpm bench`: measures comity against peer libraries and the cryptographic limit in one
 * run, prints a readable table, and prints ONE JSON object as the last line. A report, not
 * a test: nothing here fails on a slow machine.
 */
import { callIsolated } from './isolated.js';
import { benchSdJwt } from './sd-jwt.js';

const SECONDS = Number(process.env.COMITY_BENCH_SECONDS ?? 3);

interface Row {
  what: string;
  comity: number;
  peer?: number;
  limit?: number;
}

async function optional<T>(name: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (e) {
    process.stderr.write(`bench: ${name} skipped: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
}

const summary: Record<string, unknown> = {};
const rows: Row[] = [];

const sd = await benchSdJwt({ seconds: SECONDS });
Object.assign(summary, sd);
rows.push({
  what: 'SD-JWT VC verify (PID, 5 of 15 disclosed, ES256 + KB)',
  comity: sd.sdJwtVerify.perSec,
  peer: sd.sdJwtVerify.peerPerSec,
  limit: sd.sdJwtVerify.limitPerSec,
});
rows.push({
  what: '  reference: bare verifier, same crypto, no rules',
  comity: sd.sdJwtVerifyBare.perSec,
  limit: sd.sdJwtVerify.limitPerSec,
});
rows.push({ what: 'SD-JWT VC issue (PID, 15 disclosable, ES256)', comity: sd.sdJwtIssue.perSec, limit: sd.sdJwtIssue.limitPerSec });

// Each benchmark runs in a worker of its own (see isolated.ts): the trust decisions, measured
// alone, were up to half as fast when run right after the others, on their leftover heap.
const load = <T>(file: string, fn: string): Promise<T> => callIsolated<T>(new URL(file, import.meta.url), fn, { seconds: SECONDS });
const mdoc = await optional('mdoc', () => load<{ perSec: number; peerPerSec: number; limitPerSec: number }>('./mdoc.js', 'benchMdocVerify'));
if (mdoc !== undefined) {
  summary.mdocVerify = mdoc;
  rows.push({ what: 'mdoc verify (mDL, 4 of 12 disclosed, ES256, IACA chain)', comity: mdoc.perSec, peer: mdoc.peerPerSec, limit: mdoc.limitPerSec });
}
const trust = await optional('trust', () => load<{ trustEvaluate: { perSec: number; anchors: number }; trustLoadMs: number }>('./trust.js', 'benchTrust'));
if (trust !== undefined) {
  summary.trustEvaluate = trust.trustEvaluate;
  summary.trustLoadMs = trust.trustLoadMs;
  rows.push({ what: `trust decisions (${trust.trustEvaluate.anchors} anchors)`, comity: trust.trustEvaluate.perSec });
}

const pad = (s: string, n: number) => s.padEnd(n);
const num = (n: number | undefined) => (n === undefined ? '-' : String(n)).padStart(10);
const ratio = (a: number, b: number | undefined) => (b === undefined || b === 0 ? '-' : `${(a / b).toFixed(2)}x`).padStart(9);
console.log(
  `${pad('operation (per second)', 60)}${'comity'.padStart(10)}${'peer'.padStart(10)}${'limit'.padStart(10)}${'vs peer'.padStart(9)}${'vs limit'.padStart(9)}`,
);
for (const r of rows) console.log(`${pad(r.what, 60)}${num(r.comity)}${num(r.peer)}${num(r.limit)}${ratio(r.comity, r.peer)}${ratio(r.comity, r.limit)}`);
if (trust !== undefined) console.log(`trust: loading and checking a signed 1,000-entity LoTE took ${trust.trustLoadMs} ms`);
console.log(
  'limit = node:crypto ES256 verifications per second divided by the signatures a verifier cannot cache; issuance limit = ES256 signatures per second.',
);
console.log('reference = a hand-written SD-JWT+KB check with the same crypto and none of the rules: what any JavaScript verifier can reach here.');
console.log(JSON.stringify(summary));

/**
 * `pnpm --silent demo:cross-border [--json]`: runs the cross-border trust scenarios with keys,
 * certificates, signed lists, signed agreements and credentials generated on the fly.
 */
import { runScenarios } from './scenarios.js';

const json = process.argv.includes('--json');
const results = await runScenarios();
if (json) {
  process.stdout.write(
    `${JSON.stringify(
      results.map((r) => ({
        scenario: r.scenario,
        outcome: r.outcome,
        decisive: r.decisive,
        checks: r.checks,
        mappedClaims: r.decision.mappedClaims,
        droppedClaims: r.decision.droppedClaims,
        agreement: r.decision.agreement ?? null,
      })),
      null,
      2,
    )}\n`,
  );
} else {
  const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
  const lines = [`${pad('scenario', 30)} ${pad('outcome', 14)} ${pad('decisive check', 32)} explanation`, '-'.repeat(120)];
  for (const r of results) {
    const c = r.decision.checks.find((x) => x.code === r.decisive.code && x.result === r.decisive.result);
    lines.push(`${pad(r.scenario, 30)} ${pad(r.outcome, 14)} ${pad(`${r.decisive.code} ${r.decisive.result}`, 32)} ${c?.message.en ?? ''}`);
  }
  const first = results[0];
  if (first !== undefined) {
    lines.push('', `${first.scenario}: mapped claims (${first.decision.targetSchema ?? '-'}):`, JSON.stringify(first.decision.mappedClaims, null, 2));
    lines.push(`dropped: ${first.decision.droppedClaims.map((p) => p.join('.')).join(', ')}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

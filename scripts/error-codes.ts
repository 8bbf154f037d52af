/**
 * Builds docs/error-codes.md from the sources: every stable code a package raises or reports,
 * with the first message it is raised with. `pnpm run error-codes` rewrites the file;
 * conformance/docs/error-codes.test.ts fails when it is out of date.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const CODE = /['"`]((?:ERR|WARN|TRUST)_[A-Z0-9_]+)['"`]/g;
const PREFIXED = /(?:decodeCompactJws\([^)]*?,\s*|codePrefix\s*[:=]\s*(?:\w+\.codePrefix\s*\?\?\s*)?)'((?:ERR)_[A-Z0-9_]+)'/g;
const JWS_SUFFIXES = ['_MALFORMED', '_CRIT_UNSUPPORTED', '_ALG_NOT_ALLOWED', '_SIGNATURE_INVALID'];
// core's decodeCbor raises `<prefix>_<failure>`; a prefix ending in _CBOR is one of its families.
const CBOR_SUFFIXES = [
  '_MALFORMED',
  '_TRUNCATED',
  '_TOO_LARGE',
  '_TOO_DEEP',
  '_INDEFINITE_LENGTH',
  '_DUPLICATE_KEY',
  '_UNSUPPORTED',
  '_UTF8',
  '_TRAILING_BYTES',
];

function clean(message: string): string {
  return message.replace(/\$\{[^}]*\}/g, '…').replace(/\|/g, '\\|');
}

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The Markdown document for the current sources. */
export function renderErrorCodes(): string {
  const packages = readdirSync(join(root, 'packages'))
    .filter((p) => statSync(join(root, 'packages', p, 'src')).isDirectory())
    .sort();
  const sections: string[] = [];
  const allCodes = packages.flatMap((pkg) =>
    files(join(root, 'packages', pkg, 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(CODE)].map((m) => m[1] as string)),
  );
  for (const pkg of packages) {
    const codes = new Map<string, { file: string; message: string; raised: boolean; prefixOnly?: boolean }>();
    for (const file of files(join(root, 'packages', pkg, 'src')).sort()) {
      const text = readFileSync(file, 'utf8');
      const rel = relative(root, file);
      for (const m of text.matchAll(CODE)) {
        const code = m[1] as string;
        if (code.endsWith('_') || code === 'ERR_PARSE_ARGS') continue;
        const before = text.slice(Math.max(0, (m.index ?? 0) - 40), m.index ?? 0);
        const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 240);
        const wide = text.slice(Math.max(0, (m.index ?? 0) - 120), m.index ?? 0);
        // A code family's prefix (`codePrefix = 'ERR_JWS'`), not a code: PREFIXED below lists the family.
        if (/[pP]refix\s*(?:[:=]|\?\?)\s*$/.test(before)) continue;
        const direct =
          /(?:ComityError|ComityUsageError|fail|push|statusError|profileError)\(\s*\{?\s*(?:code:\s*)?$/.test(before) ||
          /[cC]ode:\s*$/.test(before) ||
          /\bcode \?\?\s*$/.test(before);
        // Codes chosen before they are raised: a ternary branch, an assignment or constant, a
        // code argument handed to a checking helper (`check…(…, 'ERR_…'`). Their message is elsewhere.
        const chosen =
          !/^\s*(?:\*|\/\/)/.test(text.slice(text.lastIndexOf('\n', m.index ?? 0) + 1, m.index ?? 0)) &&
          (/(?:[^=!]=|\?)\s*$/.test(before) || /\?\s*'[A-Z0-9_]+'\s*:\s*$/.test(before) || /\bcheck\w*\([^()]*,\s*$/.test(wide));
        const raised = direct || chosen;
        const message = direct ? (/^\s*,\s*(?:message:\s*)?(['`])((?:(?!\1).)*)\1/.exec(after)?.[2] ?? '') : '';
        const known = codes.get(code);
        if (known === undefined || (!known.raised && raised) || (known.message === '' && message !== '')) {
          codes.set(code, {
            file: known?.raised && !raised ? known.file : rel,
            message: clean(message),
            raised: raised || (known?.raised ?? false),
            prefixOnly: !direct && (known?.prefixOnly ?? true),
          });
        }
      }
      for (const m of text.matchAll(PREFIXED)) {
        const cbor = (m[1] as string).endsWith('_CBOR');
        for (const suffix of cbor ? CBOR_SUFFIXES : JWS_SUFFIXES) {
          const code = `${m[1]}${suffix}`;
          // A CBOR family's codes are often named in a wrapper's @throws first: the prefix is what raises them.
          if (cbor ? codes.get(code)?.raised !== true : !codes.has(code))
            codes.set(code, { file: rel, message: cbor ? '(strict CBOR decoding)' : '(compact JWS check)', raised: true });
        }
      }
    }
    // Only codes a package raises itself are listed (a code it merely compares belongs to another package).
    // A code only ever chosen (never raised in place) that starts other codes is a family prefix (`codePrefix = 'ERR_JWS'`).
    for (const [code, info] of codes) if (!info.raised || (info.prefixOnly === true && allCodes.some((c) => c.startsWith(`${code}_`)))) codes.delete(code);
    if (codes.size === 0) continue;
    const rows = [...codes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, { file, message }]) => `| \`${code}\` | ${message} | ${file} |`);
    sections.push(`## @comity/${pkg}\n\n| code | first message | raised in |\n| --- | --- | --- |\n${rows.join('\n')}\n`);
  }
  return `# Error and check codes

Generated from the sources by \`pnpm run error-codes\`; do not edit by hand.

- \`ERR_*\`: a rule failed. Thrown as \`ComityError\` (or \`ComityUsageError\` for \`ERR_USAGE_*\`, a caller mistake) or reported in a result's \`errors\`.
- \`WARN_*\`: a tolerated deviation, reported in \`warnings\`.
- \`TRUST_*\`: a trust-decision check record (\`pass | fail | skip | unknown\`).

Codes are API: they do not change meaning between releases. Messages are for people and may change; they never contain credential values, keys, salts or tokens.

${sections.join('\n')}`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(root, 'docs', 'error-codes.md'), renderErrorCodes());
  console.log('docs/error-codes.md written');
}

/**
 * The `comity` command: dispatch, usage errors and exit codes (0 accepted / done,
 * 1 rejected, 2 usage or I/O error).
 */
import { ComityError } from '@comity/core';
import { inspectCommand } from './commands/inspect.js';
import { ISSUE_USAGE, issueCommand } from './commands/issue.js';
import { PRESENT_USAGE, presentCommand } from './commands/present.js';
import { TRUST_USAGE, trustCommand } from './commands/trust.js';
import { VERIFY_USAGE, verifyCommand } from './commands/verify.js';
import { CliUsageError } from './io.js';

const USAGE = `usage:
  ${VERIFY_USAGE}
  comity inspect FILE
  ${ISSUE_USAGE}
  ${PRESENT_USAGE}
  ${TRUST_USAGE}`;

type Command = (args: string[], out: (line: string) => void) => Promise<number>;
const COMMANDS: Record<string, Command> = { verify: verifyCommand, inspect: inspectCommand, issue: issueCommand, present: presentCommand, trust: trustCommand };

/** Runs the CLI with arguments (without `node` and the script); returns the exit code. */
export async function main(
  argv: string[],
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? err : out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    err(`comity: unknown command ${name}\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest, out);
  } catch (e) {
    if (e instanceof CliUsageError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      err(`comity ${name}: ${e.message}\n${USAGE}`);
      return 2;
    }
    if (e instanceof ComityError) {
      // A structural failure while decoding input that is not a verification (inspect, present).
      err(`comity ${name}: ${e.code}: ${e.message}`);
      return 1;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_USAGE')) {
      err(`comity ${name}: ${e.message}`);
      return 2;
    }
    err(`comity ${name}: internal error`);
    return 2;
  }
}

/**
 * A small, safe CertLogic evaluator (the JsonLogic subset the EU DCC business rules use):
 * `var`, `if`, `===`, `!==`, `and`, `or`, `!`, `!!`, `<`, `>`, `<=`, `>=`, `in`, `+`, `reduce`,
 * `plusTime`, `after`, `before`, `not-after`, `not-before`. No code evaluation, no prototype
 * access, bounded depth and work.
 *
 * @module
 */
import { ComityError } from '@comity/core';

const MAX_DEPTH = 64;
const MAX_STEPS = 100_000;

interface State {
  steps: number;
}

function fail(msg: string): never {
  throw new ComityError('ERR_TRUST_RULE_INVALID', msg);
}

/**
 * CertLogic truthiness: false, null, undefined, 0, '', [] and {} are falsy.
 *
 * @example
 * ```ts
 * truthy({}); // false
 * ```
 */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return v instanceof Date || Object.keys(v as object).length > 0;
  return true;
}

function readVar(data: unknown, path: unknown): unknown {
  if (path === '' || path === null || path === undefined) return data;
  if (typeof path === 'number') path = String(path);
  if (typeof path !== 'string') fail('var path must be a string');
  let cur: unknown = data;
  for (const seg of path.split('.')) {
    if (cur === null || cur === undefined) return null;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return null;
      cur = cur[Number(seg)];
    } else if (typeof cur === 'object' && !(cur instanceof Date)) {
      if (!Object.hasOwn(cur as object, seg)) return null;
      cur = (cur as Record<string, unknown>)[seg];
    } else return null;
  }
  return cur === undefined ? null : cur;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A CertLogic date operand: a Date, or `YYYY-MM-DD[THH:MM[:SS[.f]][offset]]` read strictly.
 * Calendar fields are range-checked (no 2021-02-30 rolling into March) and a date-time without
 * an offset is UTC, as in CertLogic, never the host's local time zone.
 */
function toDate(v: unknown): Date {
  if (v instanceof Date) {
    if (!Number.isNaN(v.getTime())) return v;
  } else if (typeof v === 'string' && v.length <= 40) {
    const m = DATE_TIME.exec(v);
    if (m !== null) {
      const n = (i: number): number => Number(m[i] ?? 0);
      const [y, mo, d, h, mi, sec] = [n(1), n(2), n(3), n(4), n(5), n(6)];
      const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
      const dim = mo === 2 && !leap ? 28 : (DAYS_IN_MONTH[mo - 1] ?? 0);
      if (mo >= 1 && d >= 1 && d <= dim && h <= 23 && mi <= 59 && sec <= 59) {
        const time = m[4] === undefined ? 'T00:00:00' : `T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}`;
        const date = new Date(`${m[1]}-${m[2]}-${m[3]}${time}${m[8] ?? 'Z'}`);
        if (!Number.isNaN(date.getTime())) return date;
      }
    }
  }
  return fail('operand is not a date');
}

function plusTime(v: unknown, amount: unknown, unit: unknown): Date {
  const d = new Date(toDate(v).getTime());
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) fail('plusTime amount must be an integer');
  switch (unit) {
    case 'year':
      d.setUTCFullYear(d.getUTCFullYear() + amount);
      break;
    case 'month':
      d.setUTCMonth(d.getUTCMonth() + amount);
      break;
    case 'day':
      d.setUTCDate(d.getUTCDate() + amount);
      break;
    case 'hour':
      d.setUTCHours(d.getUTCHours() + amount);
      break;
    default:
      fail('plusTime unit is not supported');
  }
  // Past the Date range (about ±275,000 years) the result is NaN, and NaN compares false both
  // ways: a rule negating `after` would pass. Out of range is an error instead.
  if (Number.isNaN(d.getTime())) fail('plusTime result is out of range');
  return d;
}

function compareChain(values: unknown[], cmp: (a: number, b: number) => boolean, asDates: boolean): boolean {
  if (values.length < 2 || values.length > 3) fail('comparison needs 2 or 3 operands');
  const nums = values.map((v) => {
    if (asDates) return toDate(v).getTime();
    if (typeof v !== 'number') fail('comparison operand is not a number');
    return v;
  });
  for (let i = 0; i + 1 < nums.length; i++) if (!cmp(nums[i] as number, nums[i + 1] as number)) return false;
  return true;
}

function evaluate(expr: unknown, data: unknown, depth: number, st: State): unknown {
  if (++st.steps > MAX_STEPS) fail('rule evaluation is too long');
  if (depth > MAX_DEPTH) fail('rule is nested too deeply');
  if (Array.isArray(expr)) return expr.map((e) => evaluate(e, data, depth + 1, st));
  if (expr === null || typeof expr !== 'object') return expr;
  const keys = Object.keys(expr);
  if (keys.length !== 1) fail('an operation object must have exactly one key');
  const op = keys[0] as string;
  const rawArgs = (expr as Record<string, unknown>)[op];
  const args = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
  const ev = (e: unknown): unknown => evaluate(e, data, depth + 1, st);
  switch (op) {
    case 'var':
      return readVar(data, ev(args[0]));
    case 'if': {
      if (args.length !== 3) fail('if needs exactly 3 operands');
      return truthy(ev(args[0])) ? ev(args[1]) : ev(args[2]);
    }
    case '===':
      return ev(args[0]) === ev(args[1]);
    case '!==':
      return ev(args[0]) !== ev(args[1]);
    case 'and': {
      let last: unknown = true;
      for (const a of args) {
        last = ev(a);
        if (!truthy(last)) return last;
      }
      return last;
    }
    case 'or': {
      let last: unknown = false;
      for (const a of args) {
        last = ev(a);
        if (truthy(last)) return last;
      }
      return last;
    }
    case '!':
      return !truthy(ev(args[0]));
    case '!!':
      return truthy(ev(args[0]));
    case '<':
      return compareChain(args.map(ev), (a, b) => a < b, false);
    case '>':
      return compareChain(args.map(ev), (a, b) => a > b, false);
    case '<=':
      return compareChain(args.map(ev), (a, b) => a <= b, false);
    case '>=':
      return compareChain(args.map(ev), (a, b) => a >= b, false);
    case 'before':
      return compareChain(args.map(ev), (a, b) => a < b, true);
    case 'after':
      return compareChain(args.map(ev), (a, b) => a > b, true);
    case 'not-before':
      return compareChain(args.map(ev), (a, b) => a >= b, true);
    case 'not-after':
      return compareChain(args.map(ev), (a, b) => a <= b, true);
    case 'in': {
      const needle = ev(args[0]);
      const hay = ev(args[1]);
      if (Array.isArray(hay)) return hay.includes(needle);
      if (typeof hay === 'string' && typeof needle === 'string') return hay.includes(needle);
      return false;
    }
    case '+': {
      let sum = 0;
      for (const a of args) {
        const v = ev(a);
        if (typeof v !== 'number') fail('+ operand is not a number');
        sum += v;
      }
      return sum;
    }
    case 'plusTime':
      return plusTime(ev(args[0]), ev(args[1]), ev(args[2]));
    case 'reduce': {
      const list = ev(args[0]);
      let acc = ev(args[2]);
      if (!Array.isArray(list)) return acc;
      for (const current of list) acc = evaluate(args[1], { current, accumulator: acc }, depth + 1, st);
      return acc;
    }
    default:
      return fail(`operation is not supported: ${op.slice(0, 24)}`);
  }
}

const MAX_NODES = 10_000;
const PLUS_TIME_UNITS: ReadonlySet<unknown> = new Set(['year', 'month', 'day', 'hour']);
/** Operand counts: [min, max]. */
const ARITY: Readonly<Record<string, readonly [number, number]>> = {
  var: [0, 1],
  if: [3, 3],
  '===': [2, 2],
  '!==': [2, 2],
  and: [1, Number.POSITIVE_INFINITY],
  or: [1, Number.POSITIVE_INFINITY],
  '!': [1, 1],
  '!!': [1, 1],
  '<': [2, 3],
  '>': [2, 3],
  '<=': [2, 3],
  '>=': [2, 3],
  before: [2, 3],
  after: [2, 3],
  'not-before': [2, 3],
  'not-after': [2, 3],
  in: [2, 2],
  '+': [1, Number.POSITIVE_INFINITY],
  plusTime: [3, 3],
  reduce: [3, 3],
};

function isOperation(e: unknown): e is Record<string, unknown> {
  return e !== null && typeof e === 'object' && !Array.isArray(e);
}

function checkNode(expr: unknown, depth: number, st: State): void {
  if (++st.steps > MAX_NODES) fail('rule is too large');
  if (depth > MAX_DEPTH) fail('rule is nested too deeply');
  if (Array.isArray(expr)) {
    for (const e of expr) checkNode(e, depth + 1, st);
    return;
  }
  if (!isOperation(expr)) {
    if (typeof expr === 'number' && !Number.isFinite(expr)) fail('rule has a number that is not finite');
    if (expr !== null && typeof expr !== 'string' && typeof expr !== 'number' && typeof expr !== 'boolean') fail('rule has a value that is not JSON');
    return;
  }
  const keys = Object.keys(expr);
  if (keys.length !== 1) fail('an operation object must have exactly one key');
  const op = keys[0] as string;
  const arity = Object.hasOwn(ARITY, op) ? ARITY[op] : undefined;
  if (arity === undefined) fail(`operation is not supported: ${op.slice(0, 24)}`);
  const raw = expr[op];
  const args = Array.isArray(raw) ? raw : [raw];
  if (args.length < arity[0] || args.length > arity[1]) fail(`${op} has the wrong number of operands`);
  if (op === 'var') {
    const path = args[0];
    if (!isOperation(path) && path !== undefined && path !== null && typeof path !== 'string' && !(typeof path === 'number' && Number.isSafeInteger(path)))
      fail('var path must be a string');
  }
  if (op === 'plusTime') {
    if (!isOperation(args[1]) && !(typeof args[1] === 'number' && Number.isSafeInteger(args[1]))) fail('plusTime amount must be an integer');
    if (!isOperation(args[2]) && !PLUS_TIME_UNITS.has(args[2])) fail('plusTime unit is not supported');
  }
  for (const a of args) checkNode(a, depth + 1, st);
}

/**
 * Checks a CertLogic expression without evaluating it: supported operations only, each with
 * its number of operands, literal `plusTime` units and amounts, at most 64 levels and 10,000
 * nodes. Rules are checked once, when they are loaded, so that a malformed rule is refused
 * then instead of making every decision `unknown`.
 *
 * @example
 * ```ts
 * checkCertLogic({ '===': [{ var: 'payload.age_over_18' }, true] }); // ok
 * ```
 * @throws ComityError `ERR_TRUST_RULE_INVALID`
 * @see CertLogic specification (EU DCC business rules)
 */
export function checkCertLogic(expression: unknown): void {
  checkNode(expression, 0, { steps: 0 });
}

/**
 * Evaluates a CertLogic expression against `data` (for DCC rules `{ payload, external }`).
 *
 * @example
 * ```ts
 * evaluateCertLogic({ '===': [{ var: 'payload.age_over_18' }, true] }, { payload: { age_over_18: true } }); // true
 * ```
 * @throws ComityError `ERR_TRUST_RULE_INVALID` (unsupported operation, bad operand, too deep or too long)
 * @see CertLogic specification (EU DCC business rules), JsonLogic
 */
export function evaluateCertLogic(expression: unknown, data: unknown): unknown {
  return evaluate(expression, data, 0, { steps: 0 });
}

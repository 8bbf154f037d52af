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

function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) {
    const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return fail('operand is not a date');
}

function plusTime(v: unknown, amount: unknown, unit: unknown): Date {
  const d = new Date(toDate(v).getTime());
  if (typeof amount !== 'number' || !Number.isInteger(amount)) fail('plusTime amount must be an integer');
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

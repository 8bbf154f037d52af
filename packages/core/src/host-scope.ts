/**
 * Which address range a URL host is in, for the outbound-fetch policy: IP literals in a
 * non-global range (RFC 6890) are internal, `localhost` names and 127.0.0.0/8 / ::1 are
 * loopback. A DNS name that resolves to an internal address cannot be seen here: only the
 * injected fetch (its resolver or proxy) can refuse that.
 *
 * @module
 */

export type HostScope = 'loopback' | 'internal' | 'public';

// RFC 6761 §6.3: every name under .localhost is loopback (a trailing dot is the same name).
const LOOPBACK_NAME = /^(?:[^.]+\.)*localhost\.?$/i;

/** The scope of `hostname` as WHATWG URL serializes it (IPv6 in brackets, IPv4 dotted-decimal). */
export function hostScope(hostname: string): HostScope {
  if (LOOPBACK_NAME.test(hostname)) return 'loopback';
  const v4 = ipv4(hostname);
  if (v4 !== undefined) return ipv4Scope(v4);
  if (!hostname.startsWith('[')) return 'public';
  const h = hextets(hostname.slice(1, -1));
  // Not an IPv6 literal WHATWG URL would produce: refuse rather than guess.
  if (h === undefined) return 'internal';
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, last = 0] = h;
  const embedded = (hi: number, lo: number) => ipv4Scope([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (h.every((x) => x === 0)) return 'internal';
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && g === 0 && last === 1) return 'loopback';
  if ((a & 0xfe00) === 0xfc00) return 'internal'; // fc00::/7 unique local
  if ((a & 0xff80) === 0xfe80) return 'internal'; // fe80::/10 link-local, fec0::/10 site-local
  if ((a & 0xff00) === 0xff00) return 'internal'; // multicast
  // IPv4 inside IPv6: mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16.
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && (f === 0xffff || f === 0)) return embedded(g, last);
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return embedded(g, last);
  if (a === 0x2002) return embedded(b, c);
  return 'public';
}

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function ipv4Scope([a = 0, b = 0, c = 0]: number[]): HostScope {
  if (a === 127) return 'loopback';
  if (a === 0 || a === 10 || a >= 224) return 'internal';
  if (a === 100 && b >= 64 && b <= 127) return 'internal';
  if (a === 169 && b === 254) return 'internal';
  if (a === 172 && b >= 16 && b <= 31) return 'internal';
  if (a === 192 && (b === 168 || (b === 0 && (c === 0 || c === 2)))) return 'internal';
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return 'internal';
  if (a === 203 && b === 0 && c === 113) return 'internal';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 literal as URL serializes it (hex groups, one `::`), or undefined. */
function hextets(text: string): number[] | undefined {
  const halves = text.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) => (part === undefined || part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!all.every((x) => /^[0-9a-f]{1,4}$/.test(x))) return undefined;
  return all.map((x) => Number.parseInt(x, 16));
}

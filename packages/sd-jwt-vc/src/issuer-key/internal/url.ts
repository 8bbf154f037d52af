/**
 * Outbound URL policy for documents named by untrusted input (`iss`, `jwks_uri`, `vct`,
 * did:web): https only (loopback http on request), and no IP-literal host in a
 * non-global range (draft-ietf-oauth-sd-jwt-vc §7.1, RFC 6890). Host names that resolve
 * to internal addresses can only be caught by the fetch implementation; see the report.
 *
 * @module
 */
import { ComityError } from '@comity/core';

const LOOPBACK_NAME = /^(localhost|[^.]+\.localhost)$/i;

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (m === null) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

function internalIpv4([a, b, c]: number[]): 'loopback' | 'internal' | undefined {
  if (a === undefined || b === undefined || c === undefined) return undefined;
  if (a === 127) return 'loopback';
  if (a === 0 || a === 10 || a >= 224) return 'internal';
  if (a === 100 && b >= 64 && b <= 127) return 'internal';
  if (a === 169 && b === 254) return 'internal';
  if (a === 172 && b >= 16 && b <= 31) return 'internal';
  if (a === 192 && (b === 168 || (b === 0 && (c === 0 || c === 2)))) return 'internal';
  if (a === 198 && (b === 18 || b === 19 || (b === 51 && c === 100))) return 'internal';
  if (a === 203 && b === 0 && c === 113) return 'internal';
  return undefined;
}

function classify(hostname: string): 'loopback' | 'internal' | undefined {
  if (LOOPBACK_NAME.test(hostname)) return 'loopback';
  const v4 = ipv4(hostname);
  if (v4 !== undefined) return internalIpv4(v4);
  if (!hostname.startsWith('[')) return undefined;
  const h = hextets(hostname.slice(1, -1));
  // Not an IPv6 literal WHATWG URL would produce: refuse rather than guess.
  if (h === undefined) return 'internal';
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, last = 0] = h;
  const embedded = (hi: number, lo: number) => internalIpv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (h.every((x) => x === 0)) return 'internal';
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && g === 0 && last === 1) return 'loopback';
  if ((a & 0xfe00) === 0xfc00) return 'internal'; // fc00::/7 unique local
  if ((a & 0xff80) === 0xfe80) return 'internal'; // fe80::/10 link-local, fec0::/10 site-local
  if ((a & 0xff00) === 0xff00) return 'internal'; // multicast
  // IPv4 inside IPv6: mapped ::ffff:0:0/96, compatible ::/96, NAT64 64:ff9b::/96, 6to4 2002::/16.
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && (f === 0xffff || f === 0)) return embedded(g, last);
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return embedded(g, last);
  if (a === 0x2002) return embedded(b, c);
  return undefined;
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

/**
 * Parses and checks a URL to be fetched. `code`/`what` name the failure when the URL is
 * not an https URL (or loopback http when allowed); an internal IP-literal host fails
 * with `ERR_FETCH_URL_NOT_ALLOWED`.
 *
 * @throws ComityError `code`, `ERR_FETCH_URL_NOT_ALLOWED`
 */
export function checkOutboundUrl(value: string, allowLoopbackHttp: boolean, code: string, what: string, allowQuery = false): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ComityError(code, `${what} is not a URL`);
  }
  const kind = classify(url.hostname);
  const loopbackOk = allowLoopbackHttp && kind === 'loopback';
  const schemeOk = url.protocol === 'https:' || (loopbackOk && url.protocol === 'http:');
  const formOk =
    url.username === '' && url.password === '' && url.hash === '' && !value.includes('#') && (allowQuery || (url.search === '' && !value.includes('?')));
  if (!schemeOk || !formOk) throw new ComityError(code, `${what} must be an https URL${allowQuery ? '' : ' without query or fragment'}`);
  if (kind !== undefined && !loopbackOk) {
    throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', `${what} points to an internal address`, { details: { reason: 'internal-address' } });
  }
  return url;
}

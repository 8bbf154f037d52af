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
  const v6 = hostname.slice(1, -1).toLowerCase();
  if (v6 === '::1') return 'loopback';
  if (v6 === '::' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6.startsWith('ff')) return 'internal';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (mapped !== null) {
    const parts = mapped[2] === undefined ? ipv4(mapped[1] as string) : [...hexPair(mapped[1] as string), ...hexPair(mapped[2])];
    return parts === undefined ? 'internal' : (internalIpv4(parts) ?? undefined);
  }
  return undefined;
}

function hexPair(h: string): number[] {
  const v = Number.parseInt(h, 16);
  return [v >> 8, v & 0xff];
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

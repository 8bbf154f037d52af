/**
 * Bounded network reads through the injected fetch: HTTPS only, never to an internal or
 * loopback IP literal (loopback, over HTTP too, on request for tests and local services), a
 * timeout, a size limit, redirects only on request and each hop checked like the first.
 *
 * @module
 */
import type { ComityContext } from './context.js';
import { concatBytes, type JsonValue, parseJson, utf8Decode } from './encoding.js';
import { ComityError } from './errors.js';
import { hostScope } from './host-scope.js';

/** Limits of a fetch. */
export interface FetchOptions {
  /** Largest body accepted, in bytes (default 256 KiB). */
  maxBytes?: number;
  /** Timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Allow loopback hosts (127.0.0.0/8, `localhost`, `[::1]`), over `http:` too (default false). */
  allowLoopbackHttp?: boolean;
  /** `Accept` header. */
  accept?: string;
  /**
   * Redirects to follow (default 0: a redirect is an error). Every hop's URL passes the same
   * checks as the first (https, or loopback http when allowed; no credentials in the URL).
   */
  maxRedirects?: number;
}

/**
 * Checks a URL before any request: `https:` (or `http:` to loopback when allowed), no
 * credentials, and no IP-literal host in an internal range (RFC 6890) or on the loopback
 * unless allowed. URLs come from credentials and documents an attacker can write; a DNS name
 * that resolves to an internal address can only be refused by the injected fetch.
 *
 * @throws ComityError `ERR_FETCH_URL_NOT_ALLOWED` (`details.reason` is `internal-address` for a refused host)
 */
export function checkFetchUrl(url: string, allowLoopbackHttp = false): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', 'URL is not valid');
  }
  const scope = hostScope(parsed.hostname);
  const loopbackOk = allowLoopbackHttp && scope === 'loopback';
  const ok = parsed.protocol === 'https:' || (loopbackOk && parsed.protocol === 'http:');
  if (!ok || parsed.username !== '' || parsed.password !== '') {
    throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', 'only https URLs may be fetched', { details: { protocol: parsed.protocol } });
  }
  if (scope !== 'public' && !loopbackOk) {
    throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', 'URL points to an internal address', { details: { reason: 'internal-address' } });
  }
  return parsed;
}

/**
 * GETs a URL and returns the body bytes, within the limits.
 *
 * @throws ComityError `ERR_FETCH_UNAVAILABLE`, `ERR_FETCH_URL_NOT_ALLOWED`, `ERR_FETCH_FAILED`, `ERR_FETCH_STATUS`, `ERR_FETCH_TOO_LARGE`,
 *   `ERR_FETCH_TOO_MANY_REDIRECTS`
 */
export async function fetchBytes(ctx: ComityContext, url: string, options: FetchOptions = {}): Promise<Uint8Array> {
  if (ctx.fetch === undefined) throw new ComityError('ERR_FETCH_UNAVAILABLE', 'no fetch function was configured');
  checkFetchUrl(url, options.allowLoopbackHttp);
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 5000);
  try {
    const maxRedirects = options.maxRedirects ?? 0;
    let target = url;
    let response: Response;
    for (let hop = 0; ; hop++) {
      response = await ctx.fetch(target, {
        signal: controller.signal,
        redirect: maxRedirects > 0 ? 'manual' : 'error',
        headers: options.accept === undefined ? {} : { accept: options.accept },
      });
      const location = response.headers.get('location');
      if (maxRedirects === 0 || response.status < 300 || response.status > 399 || location === null) break;
      if (hop >= maxRedirects) throw new ComityError('ERR_FETCH_TOO_MANY_REDIRECTS', 'the server redirected too many times');
      await response.body?.cancel();
      let next: string;
      try {
        next = new URL(location, target).href;
      } catch {
        throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', 'the redirect location is not a valid URL');
      }
      checkFetchUrl(next, options.allowLoopbackHttp);
      target = next;
    }
    if (!response.ok) throw new ComityError('ERR_FETCH_STATUS', 'the server answered with an error status', { details: { status: response.status } });
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > maxBytes) throw new ComityError('ERR_FETCH_TOO_LARGE', 'the response is larger than allowed');
    const reader = response.body?.getReader();
    if (reader === undefined) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new ComityError('ERR_FETCH_TOO_LARGE', 'the response is larger than allowed');
      }
      chunks.push(value);
    }
    return concatBytes(chunks);
  } catch (cause) {
    if (cause instanceof ComityError) throw cause;
    throw new ComityError('ERR_FETCH_FAILED', 'the request failed', { cause });
  } finally {
    clearTimeout(timer);
  }
}

/** GETs and parses a JSON document. @throws as {@link fetchBytes}, plus `ERR_ENCODING_*` */
export async function fetchJson(ctx: ComityContext, url: string, options: FetchOptions = {}): Promise<{ json: JsonValue; bytes: Uint8Array }> {
  const bytes = await fetchBytes(ctx, url, { accept: 'application/json', ...options });
  return { json: parseJson(utf8Decode(bytes, 'response'), 'response', bytes.length + 1), bytes };
}

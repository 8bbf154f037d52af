/**
 * Outbound URL policy for documents named by untrusted input (`iss`, `jwks_uri`, `vct`,
 * did:web): core's fetch policy (https only, loopback http on request, no IP-literal host
 * in a non-global range: draft-ietf-oauth-sd-jwt-vc §7.1, RFC 6890), checked before the
 * request so that each kind of URL fails with its own code, plus no query or fragment.
 *
 * @module
 */
import { ComityError, hostScope } from '@comity/core';

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
  const scope = hostScope(url.hostname);
  const loopbackOk = allowLoopbackHttp && scope === 'loopback';
  const schemeOk = url.protocol === 'https:' || (loopbackOk && url.protocol === 'http:');
  const formOk =
    url.username === '' && url.password === '' && url.hash === '' && !value.includes('#') && (allowQuery || (url.search === '' && !value.includes('?')));
  if (!schemeOk || !formOk) throw new ComityError(code, `${what} must be an https URL${allowQuery ? '' : ' without query or fragment'}`);
  if (scope !== 'public' && !loopbackOk) {
    throw new ComityError('ERR_FETCH_URL_NOT_ALLOWED', `${what} points to an internal address`, { details: { reason: 'internal-address' } });
  }
  return url;
}

/**
 * What every presentation of a credential sends whatever the citizen consents to: worked out once
 * on receipt, so the consent screen and the log show the same list.
 */
import type { ClaimPath } from '@comity/core';
import { type MobileSecurityObject, toJsonValue } from '@comity/mdoc';
import type { DecodedSdJwt } from '@comity/sd-jwt-vc';

type Key = string | number;
const keyOf = (path: ClaimPath) => JSON.stringify(path);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The leaf paths of `value` under `at`, not descending into `skip`ped paths. A container with
 * nothing left to descend into (empty, or only skipped members) is named itself: the verifier
 * still sees that it exists.
 */
function leaves(value: unknown, at: ClaimPath, skip: (path: ClaimPath) => boolean, out: ClaimPath[]): void {
  const members: [Key, unknown][] | undefined = Array.isArray(value) ? value.map((v, i) => [i, v]) : isObject(value) ? Object.entries(value) : undefined;
  const kept = members?.filter(([k]) => !skip([...at, k]));
  if (kept === undefined || (kept.length === 0 && at.length > 0)) {
    out.push(at);
    return;
  }
  for (const [k, v] of kept) leaves(v, [...at, k], skip, out);
}

/**
 * SD-JWT VC: every claim of the issuer-signed payload that is not behind a disclosure, as leaf
 * paths into the stored claims (array indices as stored, like `disclosed`). The SD-JWT machinery
 * (`_sd`, `_sd_alg`, `...` digests, decoys) is not in the stored claims, and a claim inside a
 * disclosure travels only with that disclosure, so neither is listed.
 */
export function plainClaimsOf(decoded: DecodedSdJwt): ClaimPath[] {
  const disclosable = new Set(decoded.disclosures.map((d) => keyOf(d.path)));
  const out: ClaimPath[] = [];
  leaves(decoded.claims, [], (p) => disclosable.has(keyOf(p)), out);
  return out;
}

/**
 * mdoc: what the MSO that goes with every DeviceResponse tells about the credential and its
 * holder, as paths into the MSO (ISO 18013-5 §9.1.2.4 names): `docType`, each `validityInfo`
 * date, the `deviceKey` (a correlation handle, like SD-JWT `cnf`), `keyAuthorizations` and the
 * `status` reference when present. Its integrity machinery (`version`, `digestAlgorithm`,
 * `valueDigests`) is not listed, as `_sd` is not for an SD-JWT VC.
 */
export function msoFactsOf(mso: MobileSecurityObject): ClaimPath[] {
  const out: ClaimPath[] = [['docType'], ...Object.keys(mso.validityInfo).map((k) => ['validityInfo', k]), ['deviceKeyInfo', 'deviceKey']];
  if (mso.keyAuthorizations !== undefined) out.push(['deviceKeyInfo', 'keyAuthorizations']);
  if (mso.status !== undefined) leaves(toJsonValue(mso.status), ['status'], () => false, out);
  return out;
}

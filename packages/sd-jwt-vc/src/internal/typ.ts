/**
 * JOSE `typ` comparison. `typ` is a media type: compared case-insensitively, and a value
 * without '/' stands for `application/<value>` (RFC 7515 §4.1.9), so `dc+sd-jwt`,
 * `application/dc+sd-jwt` and `DC+SD-JWT` name the same type.
 */
function mediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

/** True if a header `typ` names one of the expected types. */
export function typMatches(typ: unknown, expected: readonly string[]): boolean {
  if (typeof typ !== 'string') return false;
  // The common case, an exact match, needs no normalising.
  if (expected.includes(typ)) return true;
  const actual = mediaType(typ);
  return expected.some((e) => mediaType(e) === actual);
}

/** `typ` values of an SD-JWT VC: `dc+sd-jwt`, and `vc+sd-jwt` of the drafts before it. */
export const SD_JWT_VC_TYPES: readonly string[] = ['dc+sd-jwt', 'vc+sd-jwt'];

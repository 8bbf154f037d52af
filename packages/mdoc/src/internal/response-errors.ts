/**
 * Bounds shared by the reader of a DeviceResponse's `documentErrors` and Document `errors`
 * (verify) and their writer (present), so that what a wallet sends is what a verifier accepts.
 *
 * @module
 */

/** A reader asks for a handful of docTypes, so more `documentErrors` entries is hostile. */
export const MAX_DOCUMENT_ERRORS = 64;
/** A reader asks for tens of elements, not thousands: the bound on a Document's `errors`. */
export const MAX_ELEMENT_ERRORS = 1024;
/** The longest docType, namespace or element identifier accepted in either list. */
export const MAX_NAME_LENGTH = 256;

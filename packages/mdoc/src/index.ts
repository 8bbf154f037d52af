/**
 * `@comity/mdoc`: ISO/IEC 18013-5 mdoc: IssuerSigned, MSO, DeviceResponse, SessionTranscript and COSE.
 *
 * @module
 */
export {};

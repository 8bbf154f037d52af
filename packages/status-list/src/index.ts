/**
 * `@comity/status-list`: IETF Token Status List.
 *
 * @module
 */
export {};

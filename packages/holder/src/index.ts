/**
 * `@comity/holder`: comity holder role API: receive, select and present credentials.
 *
 * @module
 */
export {};

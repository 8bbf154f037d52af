/**
 * `@comity/cli`: The comity command.
 *
 * @module
 */
export {};

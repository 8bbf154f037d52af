/**
 * `@comity/cli`: the `comity` command, also callable in-process through `main`.
 *
 * @module
 */
export { main } from './main.js';

import { defineConfig } from 'tsup';

// `#platform-crypto` stays external so Node picks the node:crypto fast path and every
// other runtime the WebCrypto provider, by the `imports` conditions in package.json.
export default defineConfig({
  entry: ['src/index.ts', 'src/crypto/node.ts', 'src/crypto/webcrypto.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  external: ['#platform-crypto'],
  target: 'es2022',
});

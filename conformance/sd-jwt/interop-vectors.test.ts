/**
 * Evidence item 3 (breadth): the vector claim shapes across both libraries.
 * - Every compact specification.yml case: comity issues and presents, @sd-jwt 0.19.0 verifies
 *   (with keyBindingNonce when the case uses key binding) and releases the same claims as comity.
 * - Every sd-jwt-js round-trip case: @sd-jwt 0.19.0 issues from its own frames, comity presents
 *   per the presentation frame, and both libraries verify to the same claims.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { localSigner, toPublicJwk } from '@comity/core';
import { presentSdJwt, verifySdJwt } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';
import { contextAt, loadSettings, pinned, readVectorJson, VECTORS } from './helpers/common.js';
import { presentationFrameToPaths } from './helpers/frames.js';
import { peerPlain, peerVc } from './helpers/peer.js';
import { type CaseKind, ROUNDTRIP_NOW, roundTrip } from './helpers/roundtrip.js';
import { readSpec } from './helpers/spec-yaml.js';

const SUITES: ReadonlyArray<{ folder: string; kind: CaseKind }> = [
  { folder: 'sd-jwt/ietf-spec-examples', kind: 'example' },
  { folder: 'sd-jwt/sd-jwt-python/examples', kind: 'example' },
  { folder: 'sd-jwt/sd-jwt-python/tests/testcases', kind: 'testcase' },
  { folder: 'sd-jwt-vc/ietf-spec-examples', kind: 'vc' },
];

describe('comity-issued vector credentials verify in @sd-jwt 0.19.0', () => {
  for (const { folder, kind } of SUITES) {
    const root = join(VECTORS, folder);
    for (const name of readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())) {
      const spec = readSpec(join(root, name, 'specification.yml'));
      if (spec.serialization === 'json') continue;
      it(`${folder}/${name}`, async () => {
        const settings = loadSettings(join(folder, 'settings.yml'), spec.settingsOverride);
        const out = await roundTrip(spec, settings, kind);
        expect(out.result.errors).toEqual([]);
        const options = { issuerPublic: toPublicJwk(settings.issuerKey) };
        const peer = kind === 'vc' ? await peerVc(options) : await peerPlain(options);
        const verified = await peer.verify(out.presentation, { currentDate: ROUNDTRIP_NOW, ...(spec.keyBinding ? { keyBindingNonce: settings.nonce } : {}) });
        expect(verified.payload).toEqual(out.result.claims);
      });
    }
  }
});

interface JsCase {
  readonly claims: Record<string, unknown>;
  readonly disclosureFrame: Record<string, unknown>;
  readonly presentationFrames: Record<string, unknown>;
}

describe('@sd-jwt 0.19.0-issued round-trip cases: comity presents, both verify', () => {
  const folder = 'sd-jwt/sd-jwt-js-roundtrip';
  const settings = loadSettings('sd-jwt/ietf-spec-examples/settings.yml');
  for (const file of readdirSync(join(VECTORS, folder)).filter((f) => f.endsWith('.json'))) {
    it(file.replace('.json', ''), async () => {
      const ctx = contextAt(ROUNDTRIP_NOW);
      const c = readVectorJson<JsCase>(join(folder, file));
      const issuer = await peerPlain({ issuerPrivate: settings.issuerKey });
      const claims: Record<string, unknown> = { ...c.claims, cnf: { jwk: toPublicJwk(settings.holderKey) } };
      const credential = await issuer.issue(claims, c.disclosureFrame as Parameters<typeof issuer.issue<Record<string, unknown>>>[1], {
        header: { typ: 'example+sd-jwt' },
      });
      const presentation = await presentSdJwt(
        credential,
        {
          disclose: presentationFrameToPaths(c.claims, c.presentationFrames),
          keyBinding: { signer: localSigner(settings.holderKey, 'ES256', ctx.crypto), audience: settings.verifier, nonce: settings.nonce },
        },
        ctx,
      );
      const ours = await verifySdJwt(
        presentation,
        { issuerKey: pinned(toPublicJwk(settings.issuerKey)), typ: 'example+sd-jwt', keyBinding: { nonce: settings.nonce, audience: settings.verifier } },
        ctx,
      );
      expect(ours.errors).toEqual([]);
      const verifier = await peerPlain({ issuerPublic: toPublicJwk(settings.issuerKey) });
      const theirs = await verifier.verify(presentation, { currentDate: ROUNDTRIP_NOW, keyBindingNonce: settings.nonce });
      expect(theirs.payload).toEqual(ours.claims);
    });
  }
});

/**
 * presentSdJwt with a `null` step: the disclosures above a requested claim go only where the
 * claim is, so an array element without it is not sent whole (data minimisation against a
 * credential whose elements differ). Real issuance, real decoding of the presentation.
 */
import { createContext, localSigner } from '@comity/core';
import { decodeSdJwt, issueSdJwt, presentSdJwt } from '@comity/sd-jwt-vc';
import { describe, expect, it } from 'vitest';

const ctx = createContext();

describe('presentSdJwt: null steps', () => {
  it('present-null-step-only-matching-parents: an element lacking the requested claim is not disclosed', async () => {
    const keys = await ctx.crypto.generateKeyPair('ES256');
    const credential = await issueSdJwt(
      {
        claims: { degrees: [{ type: 'BSc' }, { secret: 'hidden' }, { type: 'MSc', year: 2012 }], list: [['a'], 'b'] },
        disclosable: [
          ['degrees', null],
          ['list', null],
        ],
        signer: localSigner(keys.privateJwk, 'ES256', ctx.crypto),
      },
      ctx,
    );
    const sent = async (disclose: Parameters<typeof presentSdJwt>[1]['disclose']) =>
      (await decodeSdJwt(await presentSdJwt(credential, { disclose }, ctx), ctx)).claims;
    expect((await sent([['degrees', null, 'type']])).degrees).toEqual([{ type: 'BSc' }, { type: 'MSc', year: 2012 }]);
    expect((await sent([['degrees', null, 'secret']])).degrees).toEqual([{ secret: 'hidden' }]);
    // An element that is not an array has no index 0: only the first element goes.
    expect((await sent([['list', null, 0]])).list).toEqual([['a']]);
    // The whole array, and a concrete element, as before.
    expect((await sent([['degrees', null]])).degrees).toHaveLength(3);
    expect((await sent([['degrees', 1]])).degrees).toEqual([{ secret: 'hidden' }]);
  });
});

import { ComityError, utf8Encode } from '@comity/core';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  inspectTrustFile,
  loadLoTE,
  loadTrustedList,
  loadVical,
  parseAgreementList,
  parseLoTE,
  verifyAgreementList,
  verifyStatusListJwt,
} from '../src/index.js';
import { makeSigner } from './helpers.js';

/** Every public parse/verify function answers junk with a ComityError, never a crash. */
async function onlyComityErrors(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof ComityError)) throw e;
  }
}

describe('junk input', () => {
  it('junk-table-every-parser', async () => {
    const s = await makeSigner('C=FR, CN=signer');
    const junk: (string | Uint8Array)[] = [
      '',
      ' ',
      '{',
      '[]',
      'null',
      '{"LoTE":null}',
      '{"LoTE":{"ListAndSchemeInformation":{"LoTESequenceNumber":1,"ListIssueDateTime":"x"}}}',
      'a.b.c',
      'eyJhbGciOiJFUzI1NiJ9.e30.AAAA',
      'eyJhbGciOiJub25lIn0.eyJ0eXBlIjoiY29taXR5LWFncmVlbWVudC1saXN0In0.',
      '<a/>',
      '<?xml version="1.0"?><TrustServiceStatusList xmlns="http://uri.etsi.org/02231/v2#"/>',
      '<x><y>',
      new Uint8Array([0xff, 0xfe, 0x00]),
      new Uint8Array([0x84, 0x40, 0xa0, 0x40, 0x40]),
      new Uint8Array([0xd2, 0x84]),
    ];
    for (const j of junk) {
      await onlyComityErrors(() => parseLoTE(j));
      await onlyComityErrors(() => loadLoTE(j, [s.cert]));
      await onlyComityErrors(() => loadTrustedList(j, [s.cert]));
      await onlyComityErrors(() => inspectTrustFile(j));
      await onlyComityErrors(() => loadVical(typeof j === 'string' ? utf8Encode(j) : j, [s.cert]));
      if (typeof j === 'string') {
        await onlyComityErrors(() => verifyAgreementList(j, [s.cert]));
        await onlyComityErrors(() => verifyStatusListJwt(j, [s.cert]));
        await onlyComityErrors(async () => parseAgreementList(JSON.parse(j.startsWith('{') || j.startsWith('[') ? '{}' : 'null')));
      }
    }
  });

  it('property-random-bytes-never-crash', async () => {
    const s = await makeSigner('C=FR, CN=signer');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
        await onlyComityErrors(() => inspectTrustFile(bytes));
        await onlyComityErrors(() => loadVical(bytes, [s.cert]));
        await onlyComityErrors(() => loadLoTE(bytes, [s.cert]));
      }),
      { numRuns: 200 },
    );
  });

  it('property-random-json-agreement-lists-never-crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) => {
        await onlyComityErrors(async () => parseAgreementList(v));
        await onlyComityErrors(() => parseLoTE(JSON.stringify(v)));
      }),
      { numRuns: 200 },
    );
  });
});

/** TS 119 612 XML lists for tests, dated from NOW: the package's own test-list builders with the test parties. */
import type { Certificate } from '@comity/core';
import { createTestListOfTheLists, createTestTrustedList, signTestTrustedList, type TestListPointer } from '../src/index.js';
import { type KeyedCert, NOW } from './helpers.js';

/** A national TL (sequence 5) listing `ca` as a granted QEAA service. */
export const nationalTl = (territory: string, ca: Certificate, closed = false): string => createTestTrustedList({ territory, ca, now: NOW, closed });

/** A LOTL (sequence 3) with one pointer per entry (see TestListPointer). */
export const lotl = (pointers: TestListPointer[]): string => createTestListOfTheLists(pointers, { now: NOW });

/** Signs a TS 119 612 list with an enveloped ECDSA-SHA256 signature over the document element. */
export const signXml = (xml: string, signer: KeyedCert): string => signTestTrustedList(xml, { privateJwk: signer.privateJwk, certificate: signer.cert });

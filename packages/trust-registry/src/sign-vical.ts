/**
 * Building and signing an ISO/IEC 18013-5 VICAL (COSE_Sign1, ES256/384/512 or EdDSA), for
 * VICAL providers, test PKIs and the examples.
 *
 * @module
 */
import { type Certificate, COSE_ALGORITHM_IDS, ComityUsageError, coseToBeSigned, DEFAULT_SIGNATURE_ALGORITHMS, fromHex, type Signer } from '@comity/core';
import { Encoder, Tag } from 'cbor-x';

const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);

/** What a VICAL lists. */
export interface VicalInput {
  readonly provider: string;
  readonly date: Date;
  readonly nextUpdate?: Date;
  readonly issueId: number;
  readonly certificateInfos: ReadonlyArray<{ readonly certificate: Certificate; readonly docTypes: readonly string[]; readonly issuingCountry?: string }>;
}

/**
 * Builds and signs a VICAL; `x5chain` (label 33) carries the signer chain in the unprotected header.
 *
 * @example
 * ```ts
 * const vical = await signVical({ provider: 'EU mDL VICAL', date: now, issueId: 1, certificateInfos: [{ certificate: iaca, docTypes: ['org.iso.18013.5.1.mDL'] }] }, signer, [vicalCert]);
 * ```
 * @throws ComityUsageError `ERR_USAGE_SIGNER` for a signer whose algorithm COSE cannot name here,
 *   `ERR_USAGE_VICAL_CERTIFICATE` for a certificate without a subjectKeyIdentifier or without docTypes
 * @see ISO/IEC 18013-5:2021 Annex C; RFC 9052 §4.2
 */
export async function signVical(input: VicalInput, signer: Signer, certificateChain: readonly Certificate[]): Promise<Uint8Array> {
  const alg = COSE_ALGORITHM_IDS[signer.alg];
  if (alg === undefined || !DEFAULT_SIGNATURE_ALGORITHMS.includes(signer.alg))
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'VICAL signer algorithm is not supported');
  // Annex C types: tdate is #6.0(tstr), serialNumber a biguint #6.2(bstr), ski a bstr.
  const tdate = (d: Date): Tag => new Tag(d.toISOString().replace(/\.\d{3}Z$/, 'Z'), 0);
  const biguint = (hex: string): Tag => new Tag(fromHex(hex.replace(/^(00)+(?=.)/, '')), 2);
  for (const c of input.certificateInfos) {
    if (c.certificate.subjectKeyId === undefined)
      throw new ComityUsageError('ERR_USAGE_VICAL_CERTIFICATE', 'a VICAL lists IACA certificates with a subjectKeyIdentifier');
    if (c.docTypes.length === 0) throw new ComityUsageError('ERR_USAGE_VICAL_CERTIFICATE', 'a VICAL entry needs at least one docType');
  }
  const payloadMap = new Map<string, unknown>([
    ['version', '1.0'],
    ['vicalProvider', input.provider],
    ['date', tdate(input.date)],
    ['vicalIssueID', input.issueId],
    [
      'certificateInfos',
      input.certificateInfos.map(
        (c) =>
          new Map<string, unknown>([
            ['certificate', c.certificate.der],
            ['serialNumber', biguint(c.certificate.serialNumber)],
            ['ski', fromHex(c.certificate.subjectKeyId as string)],
            ['docType', [...c.docTypes]],
            ...(c.issuingCountry === undefined ? [] : ([['issuingCountry', c.issuingCountry]] as [string, unknown][])),
          ]),
      ),
    ],
  ]);
  if (input.nextUpdate !== undefined) payloadMap.set('nextUpdate', tdate(input.nextUpdate));
  // cbor-x returns views of a reusable buffer: copy each result.
  const payload = Uint8Array.from(encoder.encode(payloadMap));
  const protectedBytes = Uint8Array.from(encoder.encode(new Map([[1, alg]])));
  const signature = await signer.sign(coseToBeSigned('Signature1', protectedBytes, payload));
  const chain = certificateChain.length === 1 ? (certificateChain[0] as Certificate).der : certificateChain.map((c) => c.der);
  return Uint8Array.from(encoder.encode([protectedBytes, new Map([[33, chain]]), payload, signature]));
}

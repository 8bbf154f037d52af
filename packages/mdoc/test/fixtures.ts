import { type ComityContext, ComityUsageError, createContext, type Jwk, localSigner } from '@comity/core';
import { createTestDocumentSigner, createTestIaca, FullDate, issueMdoc, type TestCertificate } from '../src/index.js';

export const MDL = 'org.iso.18013.5.1.mDL';
export const NS = 'org.iso.18013.5.1';

/** Twelve mDL elements of the usual types. */
export function mdlElements(): Record<string, unknown> {
  return {
    family_name: 'Mustermann',
    given_name: 'Erika',
    birth_date: new FullDate('1984-01-26'),
    issue_date: new FullDate('2024-03-01'),
    expiry_date: new FullDate('2034-02-28'),
    issuing_country: 'DE',
    issuing_authority: 'Kraftfahrt-Bundesamt',
    document_number: 'B1234567',
    portrait: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]),
    driving_privileges: [{ vehicle_category_code: 'B', issue_date: new FullDate('2002-05-01'), expiry_date: new FullDate('2034-02-28') }],
    un_distinguishing_sign: 'D',
    age_over_18: true,
  };
}

export interface Pki {
  ctx: ComityContext;
  iaca: TestCertificate;
  ds: TestCertificate;
  device: { privateJwk: Jwk; publicJwk: Jwk };
}

export async function makePki(ctx: ComityContext = createContext()): Promise<Pki> {
  const iaca = await createTestIaca({ ctx, country: 'DE' });
  const ds = await createTestDocumentSigner({ ctx, iaca });
  const device = await ctx.crypto.generateKeyPair('ES256');
  return { ctx, iaca, ds, device };
}

export async function issueTestMdl(pki: Pki, overrides: Partial<Parameters<typeof issueMdoc>[0]> = {}): Promise<Uint8Array> {
  const now = pki.ctx.now();
  return issueMdoc({
    docType: MDL,
    nameSpaces: { [NS]: mdlElements() },
    deviceKey: pki.device.publicJwk,
    signer: pki.ds.signer,
    certificateChain: [pki.ds.certificate],
    validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 30 * 86_400_000) },
    ctx: pki.ctx,
    ...overrides,
  });
}

export function deviceSigner(pki: Pki) {
  return localSigner(pki.device.privateJwk, 'ES256', pki.ctx.crypto);
}

/** How a call ended: the code it threw (if any) and whether that was a caller mistake (ComityUsageError). */
export async function outcomeOf(p: Promise<unknown>): Promise<{ code: string | undefined; usage: boolean }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, usage: e instanceof ComityUsageError };
  }
  return { code: undefined, usage: false };
}

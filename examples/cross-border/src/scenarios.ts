/**
 * The cross-border scenarios: real credentials (SD-JWT VC via @comity/sd-jwt-vc, mdoc via
 * @comity/mdoc) issued by the demo world's issuers, verified (signature only, chain anchoring
 * deferred), then handed to `evaluateTrust` with each verifier's registry.
 */
import { type Certificate, type ComityContext, defaultCrypto } from '@comity/core';
import { FullDate, issueMdoc, verifyIssuerSigned } from '@comity/mdoc';
import { issueSdJwtVc, verifySdJwtVc, x5cCertificatesOf, x5cIssuerKey } from '@comity/sd-jwt-vc';
import { evaluateTrust, type TrustCheck, type TrustCredential, type TrustDecision, type TrustOutcome, type TrustRegistry } from '@comity/trust-registry';
import { buildWorld, ctxAt, DIPLOMA, loadRegistry, MDL, MDL_NS, type Party, trustConfig, type World } from './world.js';

/** One scenario's result, as printed by `pnpm demo:cross-border --json`. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly title: string;
  readonly outcome: TrustOutcome;
  /** The check that decides the outcome (first failure, else first unknown, else the mapping). */
  readonly decisive: { readonly code: string; readonly result: string };
  readonly checks: ReadonlyArray<{ readonly code: string; readonly result: string }>;
  readonly decision: TrustDecision;
}

const DAY = 86_400_000;
const b64 = (c: Certificate): string => Buffer.from(c.der).toString('base64');

/** Issues an SD-JWT VC with an x5c chain and verifies it (signature + SD-JWT rules; anchoring deferred to the registry). */
async function sdJwtCredential(issuer: Party, vct: string, claims: Record<string, unknown>, ctx: ComityContext): Promise<TrustCredential> {
  const token = await issueSdJwtVc(
    {
      vct,
      claims,
      disclosable: Object.keys(claims).map((k) => [k]),
      signer: issuer.signer,
      header: { x5c: [b64(issuer.cert)] },
      expiresAt: Math.floor(ctx.now().getTime() / 1000) + 365 * 86400,
    },
    ctx,
  );
  const result = await verifySdJwtVc(token, { issuerKey: x5cIssuerKey({ anchoring: 'deferred' }), keyBinding: { required: false } }, ctx);
  if (!result.valid || result.issuer === undefined) throw new Error(`demo SD-JWT VC did not verify: ${result.errors.map((e) => e.code).join(', ')}`);
  const iat = result.claims.iat;
  return {
    format: 'dc+sd-jwt',
    type: String(result.claims.vct),
    issuerCertificates: x5cCertificatesOf(result.issuer) ?? [],
    issuerId: result.issuer.id,
    claims: result.claims,
    signedAt: typeof iat === 'number' ? new Date(iat * 1000) : undefined,
  };
}

/** Issues an mdoc (IssuerSigned) and verifies it with the presented document signer pinned (signature and digests only). */
async function mdocCredential(ds: Party, docType: string, nameSpaces: Record<string, Record<string, unknown>>, ctx: ComityContext): Promise<TrustCredential> {
  const now = ctx.now();
  const device = await defaultCrypto.generateKeyPair('ES256');
  const issuerSigned = await issueMdoc({
    docType,
    nameSpaces,
    deviceKey: device.publicJwk,
    signer: ds.signer,
    certificateChain: [ds.cert],
    validity: { signed: now, validFrom: now, validUntil: new Date(now.getTime() + 365 * DAY) },
    ctx,
  });
  const result = await verifyIssuerSigned(issuerSigned, { trustAnchors: [ds.cert], ctx, docType });
  if (!result.valid) throw new Error(`demo mdoc did not verify: ${result.errors.map((e) => e.code).join(', ')}`);
  return { format: 'mso_mdoc', type: docType, issuerCertificates: [ds.cert], claims: result.claims, signedAt: now };
}

const DE_PID_CLAIMS = {
  family_name: 'MUSTERMANN',
  given_name: 'ERIKA',
  birthdate: '1964-08-12',
  birth_place: 'BERLIN',
  nationalities: ['DE'],
  address: { street_address: 'HEIDESTRASSE 17', locality: 'KÖLN', postal_code: '51147', country: 'DE' },
  age_equal_or_over: { '18': true, '65': false },
  issuing_country: 'DE',
};

function decisive(checks: readonly TrustCheck[]): { code: string; result: string } {
  const pick = checks.find((c) => c.result === 'fail') ?? checks.find((c) => c.result === 'unknown') ?? checks.find((c) => c.code === 'TRUST_CLAIMS_MAPPED');
  return { code: pick?.code ?? '-', result: pick?.result ?? '-' };
}

async function run(scenario: string, title: string, registry: TrustRegistry, credential: TrustCredential, now: Date): Promise<ScenarioResult> {
  const decision = await evaluateTrust(registry, credential, { now });
  return {
    scenario,
    title,
    outcome: decision.outcome,
    decisive: decisive(decision.checks),
    checks: decision.checks.map((c) => ({ code: c.code, result: c.result })),
    decision,
  };
}

/**
 * Runs every scenario against a freshly generated world. The first scenario
 * (`de-pid-at-fr-service`) is the story: a German PID accepted by a French service and mapped
 * into its identity schema.
 */
export async function runScenarios(options: { world?: World } = {}): Promise<ScenarioResult[]> {
  const world = options.world ?? (await buildWorld());
  const now = world.now;
  const ctx = ctxAt(now);
  const frService = { jurisdiction: 'FR', purpose: 'account-opening' };
  const deShop = { jurisdiction: 'DE', purpose: 'age-verification' };
  const fr = await loadRegistry(world, trustConfig(frService));
  const de = await loadRegistry(world, trustConfig(deShop));
  const frTampered = await loadRegistry(world, trustConfig(frService, 'eu-pid-providers.tampered.jws'));
  const frStale = await loadRegistry(world, trustConfig(frService, 'eu-pid-providers.stale.jws'));

  const dePid = await sdJwtCredential(world.dePidIssuer, 'urn:eudi:pid:de:1', DE_PID_CLAIMS, ctx);
  const grMdl = await mdocCredential(
    world.grDs,
    MDL,
    {
      [MDL_NS]: {
        family_name: 'PAPADOPOULOU',
        given_name: 'ELENI',
        birth_date: new FullDate('1990-03-25'),
        document_number: 'GR1234567',
        issuing_country: 'GR',
        age_over_18: true,
        age_over_21: true,
        driving_privileges: [{ vehicle_category_code: 'B' }],
      },
    },
    ctx,
  );
  const deMdl = await mdocCredential(world.deDs, MDL, { [MDL_NS]: { family_name: 'MUSTERMANN', age_over_18: true } }, ctx);
  const atPid = await sdJwtCredential(world.atPidIssuer, 'urn:eudi:pid:at:1', { family_name: 'HUBER', given_name: 'ANNA', birthdate: '1985-01-02' }, ctx);
  const roguePid = await sdJwtCredential(world.rogueIssuer, 'urn:eudi:pid:de:1', DE_PID_CLAIMS, ctx);
  const ehic = await sdJwtCredential(world.deEaaIssuer, 'urn:de:ehic:1', { insurance_number: 'A123456789', family_name: 'MUSTERMANN' }, ctx);
  const chPid = await sdJwtCredential(world.chPidIssuer, 'urn:eudi:pid:ch:1', { family_name: 'MÜLLER', given_name: 'HANS', birthdate: '1970-07-07' }, ctx);
  const accessPid = await sdJwtCredential(world.accessLeafAsIssuer, 'urn:eudi:pid:de:1', DE_PID_CLAIMS, ctx);
  const esDiploma = await sdJwtCredential(world.esDiplomaIssuer, DIPLOMA, { degree: 'Grado en Derecho', family_name: 'GARCÍA', given_name: 'LUCÍA' }, ctx);
  const itDiploma = await sdJwtCredential(world.itDiplomaIssuer, DIPLOMA, { degree: 'Laurea in Fisica', family_name: 'ROSSI', given_name: 'MARCO' }, ctx);

  return [
    await run('de-pid-at-fr-service', 'German PID (SD-JWT VC) at a French service, mapped into the French identity schema', fr, dePid, now),
    await run('gr-mdl-age-check-at-de-shop', 'Greek mDL at a German shop: only age_over_18 passes', de, grMdl, now),
    await run('agreement-suspended', 'Austrian PID at the French service while FR suspended the FR<-AT agreement through its status list', fr, atPid, now),
    await run('issuer-not-listed', 'A "German PID" from a CA that is not on the EU PID providers list', fr, roguePid, now),
    await run('type-out-of-scope', 'German mDL at the French service: FR recognises German PIDs, not mDLs', fr, deMdl, now),
    await run('loa-below-minimum', 'German health-insurance EAA (LoA substantial) where FR requires high', fr, ehic, now),
    await run('list-tampered', 'German PID while the EU PID providers list was altered after sealing', frTampered, dePid, now),
    await run('list-stale', 'German PID while only a PID providers list past its NextUpdate is available', frStale, dePid, now),
    await run('not-transitive', 'Swiss PID at the French service: FR recognises DE, DE recognises CH, FR does not recognise CH', fr, chPid, now),
    await run('access-ca-as-issuer', 'A "German PID" signed under an access CA (WRPAC list), not a PID provider', fr, accessPid, now),
    await run('other-national-list-down', "Spanish qualified diploma at the French service while Italy's trusted list is unreachable", fr, esDiploma, now),
    await run('national-list-down', "Italian qualified diploma while Italy's trusted list is unreachable: retry later", fr, itDiploma, now),
  ];
}

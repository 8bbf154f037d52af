/**
 * `pnpm demo`: one credential's life, in process: a German PID provider issues an SD-JWT VC,
 * the citizen's wallet shows what a French service asks for and discloses only what the
 * citizen agrees to, and the service verifies it and says why it accepted.
 */
import { createContext, jwkThumbprint, localSigner } from '@comity/core';
import { createWallet } from '@comity/holder';
import { createIssuer } from '@comity/issuer';
import { STATUS_INVALID, StatusList, signStatusListJwt } from '@comity/status-list';
import { createVerifier } from '@comity/verifier';

const say = (line = '') => console.log(line);
const ctx = createContext();

say('comity demo: issue -> present -> verify (SD-JWT VC)');
say('====================================================');

// 1. Keys. In production the issuer key lives in an HSM behind the Signer interface.
const issuerKeys = await ctx.crypto.generateKeyPair('ES256');
const walletKeys = await ctx.crypto.generateKeyPair('ES256');

// 2. Issuance.
const issuer = createIssuer({
  signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
  issuerId: 'https://pid-provider.bund.example',
  kid: 'pid-2026',
  ctx,
});
const pid = {
  given_name: 'Erika',
  family_name: 'Mustermann',
  birthdate: '1964-08-12',
  age_over_18: true,
  nationalities: ['DE'],
  address: { street_address: 'Heidestraße 17', locality: 'Köln', postal_code: '51147', country: 'DE' },
};
// The provider's status list: one entry per PID, so that it can revoke or suspend them.
const statusUri = 'https://pid-provider.bund.example/status/1';
const statusList = new StatusList(1024, 1);
const statusIndex = 417;
let statusToken = '';
const publishStatus = async () => {
  const iat = Math.floor(Date.now() / 1000);
  statusToken = await signStatusListJwt({
    list: statusList,
    uri: statusUri,
    iat,
    exp: iat + 3600,
    ttl: 300,
    signer: localSigner(issuerKeys.privateJwk, 'ES256', ctx.crypto),
  });
};
await publishStatus();
const { credential } = await issuer.issue({
  format: 'dc+sd-jwt',
  vct: 'urn:eudi:pid:de:1',
  claims: pid,
  holderKey: walletKeys.publicJwk,
  decoys: 3,
  status: { status_list: { idx: statusIndex, uri: statusUri } },
});
say();
say(`1. The German PID provider issued a PID as an SD-JWT VC (${credential.length} characters).`);
say(`   Every one of its ${Object.keys(pid).length} claims is selectively disclosable; 3 decoy digests hide how many there are.`);

// 3. The wallet receives it and the citizen sees a request.
const wallet = createWallet({ keyBindingSigner: localSigner(walletKeys.privateJwk, 'ES256', ctx.crypto), ctx });
const stored = await wallet.receive(credential);
const verifierId = 'https://service-public.example.fr';
const nonce = Buffer.from(ctx.crypto.randomBytes(16)).toString('base64url');
const request = {
  verifier: verifierId,
  nonce,
  purpose: 'Open an account (age check and name)',
  claims: [['given_name'], ['family_name'], ['age_over_18'], ['address', 'locality']],
};
const view = wallet.describeRequest(stored.id, request);
say();
say(`2. ${view.verifier} asks, for "${view.purpose}":`);
for (const c of view.claims) {
  const reveals = c.revealsAllOf === undefined ? '' : ` (sharing it reveals all of ${c.revealsAllOf.join('.')})`;
  say(
    `     ${JSON.stringify(c.path).padEnd(26)} ${c.available ? 'in the credential' : 'not in the credential'}${c.selectivelyDisclosable ? ', optional to share' : ''}${reveals}`,
  );
}
// What goes with every presentation whatever the consent: the plain (not selectively disclosable) claims.
say(`   Sent with any answer: ${[...new Set(view.alwaysSent.map((p) => String(p[0])))].join(', ')} (cnf is the wallet's public key)`);
const consent = [['given_name'], ['family_name'], ['age_over_18']];
say(`   The citizen agrees to share ${consent.map((c) => c.join('.')).join(', ')} and withholds address.locality (it would reveal the whole address).`);
const presentation = await wallet.present(stored.id, request, consent);
const entry = wallet.log().at(-1);
say(
  `   Wallet log: shared ${entry?.disclosed.length} requested claims with ${entry?.verifier}, withheld ${entry?.withheld.length}, and sent the plain claims above with them (${entry?.alwaysSent.length} values).`,
);

// 4. The service verifies, with the nonce and audience of the request it sent, and checks the
// PID's entry in the provider's status list (here the network is a function serving that list).
const serviceCtx = createContext({
  fetch: async (url) =>
    String(url) === statusUri ? new Response(statusToken, { headers: { 'content-type': 'application/statuslist+jwt' } }) : new Response(null, { status: 404 }),
});
const verifier = createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx: serviceCtx, status: { keys: [issuerKeys.publicJwk] } });
const result = await verifier.verify(presentation, { nonce, audience: verifierId, vctValues: ['urn:eudi:pid:de:1'] });
say();
say(`3. The service verified the presentation: ${result.valid ? 'ACCEPTED' : 'REJECTED'}`);
if (result.valid) {
  const { family_name, given_name, age_over_18, address } = result.claims as Record<string, unknown>;
  say(
    `   Disclosed: given_name=${given_name}, family_name=${family_name}, age_over_18=${age_over_18}; address ${address === undefined ? 'not disclosed' : 'disclosed'}.`,
  );
  say('   Why it was accepted:');
  say(`     - the issuer signature verifies with the pinned PID-provider key (thumbprint ${await jwkThumbprint(issuerKeys.publicJwk, ctx.crypto)})`);
  say('     - every disclosure matches a digest the issuer signed; no digest or disclosure is duplicated or unreferenced');
  say('     - the credential type is urn:eudi:pid:de:1 and it is within its validity period');
  say(`     - its entry ${statusIndex} in the provider's signed status list (${statusUri}) is VALID`);
  say(
    `     - the key binding JWT is signed by the wallet key in cnf, for audience ${verifierId}, with this request's nonce, and covers exactly these disclosures`,
  );
} else {
  for (const e of result.errors) say(`   ${e.code}: ${e.message}`);
  process.exitCode = 1;
}

// 5. The same presentation replayed to another service fails.
const replay = await createVerifier({ issuerKeys: [issuerKeys.publicJwk], ctx }).verify(presentation, {
  nonce: 'another-nonce',
  audience: 'https://other.example',
});
say();
say(`4. Replayed to another service: ${replay.valid ? 'accepted (!)' : 'rejected'} (${replay.errors.map((e) => e.code).join(', ')})`);

// 6. The provider revokes the PID; the next presentation to the service is refused.
statusList.set(statusIndex, STATUS_INVALID);
await publishStatus();
const again = await wallet.present(stored.id, { ...request, nonce: 'second-visit' }, consent);
const revoked = await verifier.verify(again, { nonce: 'second-visit', audience: verifierId, vctValues: ['urn:eudi:pid:de:1'] });
say(
  `5. The PID provider revokes the PID (entry ${statusIndex} set to INVALID, list re-signed). Next visit: ${revoked.valid ? 'accepted (!)' : 'rejected'} (${revoked.errors.map((e) => e.code).join(', ')})`,
);

// ---------------------------------------------------------------------------------------------
say();
say('comity demo: issue -> present -> verify (ISO 18013-5 mdoc)');
say('==========================================================');
const { FullDate, createTestDocumentSigner, createTestIaca } = await import('@comity/mdoc');
const iaca = await createTestIaca({ ctx, country: 'GR' });
const documentSigner = await createTestDocumentSigner({ ctx, iaca });
const mdlIssuer = createIssuer({ signer: documentSigner.signer, certificateChain: [documentSigner.certificate], ctx });
const mdl = await mdlIssuer.issue({
  format: 'mso_mdoc',
  docType: 'org.iso.18013.5.1.mDL',
  nameSpaces: {
    'org.iso.18013.5.1': {
      family_name: 'Papadopoulou',
      given_name: 'Eleni',
      birth_date: new FullDate('1990-04-02'),
      issuing_country: 'GR',
      document_number: 'GR-4471-09',
      age_over_18: true,
    },
  },
  holderKey: walletKeys.publicJwk,
});
say();
say(`1. The Greek licensing authority issued an mDL (IssuerSigned, ${mdl.credential.length} base64url characters),`);
say(`   signed by its document signer "${documentSigner.certificate.subject}" under the IACA "${iaca.certificate.subject}".`);
const mdlStored = await wallet.receive(mdl.credential);
const shop = {
  type: 'openid4vp' as const,
  clientId: 'x509_san_dns:shop.example.de',
  nonce: Buffer.from(ctx.crypto.randomBytes(16)).toString('base64url'),
  responseUri: 'https://shop.example.de/oid4vp/response',
  jwkThumbprint: null,
};
const mdlRequest = { verifier: shop.clientId, nonce: shop.nonce, handover: shop, purpose: 'Age check', claims: [['org.iso.18013.5.1', 'age_over_18']] };
const mdlVp = await wallet.present(mdlStored.id, mdlRequest, mdlRequest.claims);
say(
  `2. A German shop asks for age_over_18 only; the wallet signs a DeviceResponse bound to the shop's OpenID4VP request (${shop.clientId}, nonce, response URI).`,
);
const mdlResult = await createVerifier({ trustAnchors: [iaca.certificate], ctx }).verify(mdlVp, { handover: shop, docType: 'org.iso.18013.5.1.mDL' });
say(`3. The shop verified it: ${mdlResult.valid ? 'ACCEPTED' : 'REJECTED'}; disclosed ${JSON.stringify(mdlResult.claims)}`);
if (mdlResult.valid) {
  say('   Why: issuerAuth verifies with the document signer, whose certificate chains to the configured IACA with the ISO profile;');
  say('   each disclosed element matches its digest in the signed MSO; the MSO is within its validity; the device signature over');
  say('   DeviceAuthentication (built from this request) verifies with the device key the issuer bound into the MSO.');
} else {
  for (const e of mdlResult.errors) say(`   ${e.code}: ${e.message}`);
  process.exitCode = 1;
}

// ---------------------------------------------------------------------------------------------
say();
say('comity demo: across a border (mutual recognition)');
say('=================================================');
const { runScenarios } = await import('@comity/example-cross-border/scenarios');
const [story] = await runScenarios();
if (story !== undefined) {
  const d = story.decision;
  say();
  say('A French public service has never configured a German issuer. What it has is its trust registry:');
  say('  - the EU list of PID providers (ETSI TS 119 602), sealed by the Commission; the seal certificate is pinned;');
  say(`  - France's signed list of recognition agreements, among them ${d.agreement?.id ?? '-'} (version ${d.agreement?.version ?? '-'}):`);
  say('    "FR accepts German PIDs (SD-JWT VC) at level of assurance high, for account opening, mapped into the French identity schema".');
  say();
  say(`A citizen presents a German PID. The registry's decision: ${d.outcome.toUpperCase()}, because:`);
  for (const c of d.checks) say(`  [${c.result.padEnd(4)}] ${c.code.padEnd(26)} ${c.message.en}`);
  say();
  say(`What the French service receives, in its own schema (${d.targetSchema ?? '-'}):`);
  say(`  ${JSON.stringify(d.mappedClaims)}`);
  say(`Dropped (not covered by the agreement): ${d.droppedClaims.map((p) => p.join('.')).join(', ') || 'nothing'}`);
  say();
  say('Eleven more scenarios (suspended agreement, unlisted issuer, wrong type, low LoA, tampered or stale list,');
  say('no transitivity, wrong anchor category, a national trusted list that cannot be fetched): pnpm --silent demo:cross-border');
}

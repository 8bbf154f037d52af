/**
 * The cross-border demo world, generated on the fly with real keys: the Commission's PID and
 * access-CA LoTEs (signed JWS), an mDL VICAL (COSE_Sign1), the EU list of the trusted lists
 * (XML-DSig) with Spain's national list and Italy's unreachable, national bundles, the FR and DE
 * registrars' signed agreement lists, the FR agreement status list, and a trust configuration
 * file per verifier, all held in memory and loaded through `loadTrustConfig`.
 */
import { deflateSync } from 'node:zlib';
import {
  base64urlEncode,
  type Certificate,
  createCertificate,
  createContext,
  defaultCrypto,
  derToPem,
  type Jwk,
  KeyUsage,
  localSigner,
  type Signer,
  signCompactJws,
  utf8Encode,
} from '@comity/core';
import {
  type AgreementList,
  createLoTE,
  createTestListOfTheLists,
  createTestTrustedList,
  loadTrustConfig,
  type RecognitionAgreement,
  signAgreementList,
  signLoTE,
  signTestTrustedList,
  signVical,
  type TrustConfigFile,
  type TrustRegistry,
} from '@comity/trust-registry';

const DAY = 86_400_000;

export interface Party {
  readonly cert: Certificate;
  readonly privateJwk: Jwk;
  readonly signer: Signer;
}

export const PID_LIST = 'http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList';
export const PID_ISSUANCE = 'http://uri.etsi.org/19602/SvcType/PID/Issuance';
export const WRPAC_LIST = 'http://uri.etsi.org/19602/LoTEType/EUWRPACProvidersList';
export const WRPAC_ISSUANCE = 'http://uri.etsi.org/19602/SvcType/WRPAC/Issuance';
export const MDL = 'org.iso.18013.5.1.mDL';
export const MDL_NS = 'org.iso.18013.5.1';
export const STATUS_URI = 'https://registry.fr.example/status/agreements';
/** A qualified electronic attestation of attributes (QEAA): a university diploma. */
export const DIPLOMA = 'urn:eu:diploma:1';
const ES_TL = 'https://tl.es.example/tsl.xml';
const IT_TL = 'https://tl.it.example/tsl.xml';
const MDL_DS_EKU = '1.0.18013.5.1.2';

async function party(subject: string, opts: { issuer?: Party; ca?: boolean; pathLength?: number; eku?: string[]; now: Date }): Promise<Party> {
  const { privateJwk, publicJwk } = await defaultCrypto.generateKeyPair('ES256');
  const cert = await createCertificate({
    subject,
    publicJwk,
    issuer: opts.issuer?.cert,
    signingKey: opts.issuer?.privateJwk ?? privateJwk,
    notBefore: new Date(opts.now.getTime() - 400 * DAY),
    notAfter: new Date(opts.now.getTime() + 3 * 365 * DAY),
    ...(opts.ca === true
      ? { ca: true, pathLength: opts.pathLength ?? 1, keyUsage: KeyUsage.keyCertSign | KeyUsage.cRLSign }
      : { keyUsage: KeyUsage.digitalSignature }),
    ...(opts.eku === undefined ? {} : { extKeyUsage: opts.eku }),
  });
  return { cert, privateJwk, signer: localSigner(privateJwk, 'ES256', defaultCrypto) };
}

/** Everyone in the demo. */
export interface World {
  readonly now: Date;
  readonly ecSeal: Party;
  readonly vicalSigner: Party;
  readonly frRegistrar: Party;
  readonly deRegistrar: Party;
  readonly dePidCa: Party;
  readonly dePidIssuer: Party;
  readonly atPidCa: Party;
  readonly atPidIssuer: Party;
  readonly chPidCa: Party;
  readonly chPidIssuer: Party;
  readonly rogueCa: Party;
  readonly rogueIssuer: Party;
  readonly deAccessCa: Party;
  readonly accessLeafAsIssuer: Party;
  readonly deEaaCa: Party;
  readonly deEaaIssuer: Party;
  readonly grIaca: Party;
  readonly grDs: Party;
  readonly deIaca: Party;
  readonly deDs: Party;
  readonly lotlSigner: Party;
  readonly esTlSigner: Party;
  readonly itTlSigner: Party;
  readonly esQeaaCa: Party;
  readonly esDiplomaIssuer: Party;
  readonly itQeaaCa: Party;
  readonly itDiplomaIssuer: Party;
  /** Files by path, as the configuration names them. */
  readonly files: Map<string, Uint8Array>;
}

const pem = (c: Certificate): Uint8Array => utf8Encode(derToPem(c.der));

function frAgreements(w: Omit<World, 'files'>): RecognitionAgreement[] {
  const validity = {
    notBefore: new Date(w.now.getTime() - 60 * DAY).toISOString(),
    notAfter: new Date(w.now.getTime() + 365 * DAY).toISOString(),
    changeLeadTime: 'PT48H',
  };
  return [
    {
      id: 'ra:FR<-DE:pid',
      version: '1.2.0',
      sequence: 7,
      recogniser: { jurisdiction: 'FR', name: [{ lang: 'fr', value: 'Agence nationale des titres sécurisés (démo)' }] },
      recognised: { jurisdiction: 'DE', name: [{ lang: 'de', value: 'Bundesrepublik Deutschland' }] },
      legalBasis: { uri: 'https://eur-lex.europa.eu/eli/reg/2024/1183/oj', title: [{ lang: 'en', value: 'Regulation (EU) 2024/1183, Art. 5a and 5f' }] },
      sources: [{ id: 'eu-pid-lote', signerSha256: [w.ecSeal.cert.sha256] }, { id: 'de-eaa-bundle' }],
      scopes: [
        {
          format: 'dc+sd-jwt',
          types: ['urn:eudi:pid:de:1'],
          category: 'pid',
          minLoA: 'high',
          mapping: {
            targetSchema: 'urn:fr:rp:identite:1',
            rules: [
              { from: ['family_name'], to: ['nom'], required: true },
              { from: ['given_name'], to: ['prenoms'], required: true },
              { from: ['birthdate'], to: ['naissance', 'date'], transform: 'date-iso', required: true },
              { from: ['place_of_birth', 'locality'], or: [['birth_place']], to: ['naissance', 'lieu'] },
              { from: ['nationalities', 0], to: ['nationalite'], transform: { valueSet: 'nationalite' } },
              { from: ['age_equal_or_over', '18'], to: ['majeur'] },
            ],
          },
        },
        {
          format: 'mso_mdoc',
          types: ['eu.europa.ec.eudi.pid.1'],
          category: 'pid',
          minLoA: 'high',
          mapping: {
            targetSchema: 'urn:fr:rp:identite:1',
            rules: [
              { from: ['eu.europa.ec.eudi.pid.1', 'family_name'], to: ['nom'], required: true },
              { from: ['eu.europa.ec.eudi.pid.1', 'given_name'], to: ['prenoms'], required: true },
              { from: ['eu.europa.ec.eudi.pid.1', 'birth_date'], to: ['naissance', 'date'], transform: 'date-iso', required: true },
            ],
          },
        },
        { format: 'dc+sd-jwt', types: ['urn:de:ehic:1'], category: 'eaa', minLoA: 'high', acceptedClaims: [['insurance_number']] },
      ],
      validity,
      status: { state: 'active', since: validity.notBefore },
      valueSets: { nationalite: { DE: 'allemande', FR: 'française', AT: 'autrichienne' } },
    },
    {
      id: 'ra:FR<-AT:pid',
      version: '1.0.0',
      sequence: 4,
      recogniser: { jurisdiction: 'FR' },
      recognised: { jurisdiction: 'AT' },
      sources: [{ id: 'eu-pid-lote', signerSha256: [w.ecSeal.cert.sha256] }],
      scopes: [{ format: 'dc+sd-jwt', types: ['urn:eudi:pid:at:1'], category: 'pid', minLoA: 'high' }],
      validity,
      status: { state: 'active', since: validity.notBefore, statusList: { uri: STATUS_URI, idx: 1 } },
    },
    // Qualified diplomas (QEAA) from Spain and Italy, anchored in their national trusted lists.
    ...(['ES', 'IT'] as const).map(
      (country, i): RecognitionAgreement => ({
        id: `ra:FR<-${country}:qeaa-diploma`,
        version: '1.0.0',
        sequence: 2 + i,
        recogniser: { jurisdiction: 'FR' },
        recognised: { jurisdiction: country },
        scopes: [{ format: 'dc+sd-jwt', types: [DIPLOMA], category: 'qeaa', acceptedClaims: [['degree'], ['family_name'], ['given_name']] }],
        validity,
        status: { state: 'active' },
      }),
    ),
  ];
}

function deAgreements(w: Omit<World, 'files'>): RecognitionAgreement[] {
  const validity = {
    notBefore: new Date(w.now.getTime() - 90 * DAY).toISOString(),
    notAfter: new Date(w.now.getTime() + 365 * DAY).toISOString(),
    changeLeadTime: 'PT48H',
  };
  return [
    {
      id: 'ra:DE<-GR:mdl-age',
      version: '2.0.0',
      sequence: 3,
      recogniser: { jurisdiction: 'DE' },
      recognised: { jurisdiction: 'GR' },
      sources: [{ id: 'eu-mdl-vical', signerSha256: [w.vicalSigner.cert.sha256] }],
      scopes: [
        {
          format: 'mso_mdoc',
          types: [MDL],
          category: 'mdl',
          purposes: ['age-verification'],
          mapping: { targetSchema: 'urn:de:shop:altersnachweis:1', rules: [{ from: [MDL_NS, 'age_over_18'], to: ['age_over_18'], required: true }] },
          condition: {
            id: 'AGE-18',
            logic: { '===': [{ var: 'payload.age_over_18' }, true] },
            description: [{ lang: 'en', value: 'The holder is 18 or over' }],
          },
        },
      ],
      validity,
      status: { state: 'active' },
    },
    {
      id: 'ra:DE<-CH:pid',
      version: '1.0.0',
      sequence: 2,
      recogniser: { jurisdiction: 'DE' },
      recognised: { jurisdiction: 'CH' },
      scopes: [{ format: 'dc+sd-jwt', types: ['urn:eudi:pid:ch:1'], category: 'pid' }],
      validity,
      status: { state: 'active' },
    },
  ];
}

/** A Token Status List JWT (1 bit... here 2 bits per entry) with `values[i]` at index i. */
async function statusListJwt(values: number[], signer: Party, now: Date): Promise<string> {
  const bytes = new Uint8Array(Math.ceil((values.length * 2) / 8));
  values.forEach((v, i) => {
    const bit = i * 2;
    bytes[bit >> 3] = (bytes[bit >> 3] as number) | ((v & 3) << (bit & 7));
  });
  const lst = base64urlEncode(new Uint8Array(deflateSync(bytes)));
  return signCompactJws(
    { typ: 'statuslist+jwt', x5c: [Buffer.from(signer.cert.der).toString('base64')] },
    { sub: STATUS_URI, iat: Math.floor(now.getTime() / 1000), exp: Math.floor(now.getTime() / 1000) + 86_400, status_list: { bits: 2, lst } },
    signer.signer,
  );
}

/** Generates the world: every key, certificate and signed file. */
export async function buildWorld(now = new Date()): Promise<World> {
  const o = { now };
  const ecSeal = await party('C=BE, O=European Commission, CN=EU Trusted Lists Sealing (demo)', o);
  const vicalSigner = await party('C=BE, O=EU mDL VICAL Provider (demo), CN=VICAL Signer', o);
  const frRegistrar = await party('C=FR, O=Registre national des parties utilisatrices (démo), CN=Accords de reconnaissance', o);
  const deRegistrar = await party('C=DE, O=Registrierungsstelle (Demo), CN=Anerkennungsvereinbarungen', o);
  const dePidCa = await party('C=DE, O=Bundesdruckerei (demo), CN=DE PID CA', { ...o, ca: true });
  const dePidIssuer = await party('C=DE, O=Bundesdruckerei (demo), CN=DE PID Issuer 01', { ...o, issuer: dePidCa });
  const atPidCa = await party('C=AT, O=Bundesministerium (demo), CN=AT PID CA', { ...o, ca: true });
  const atPidIssuer = await party('C=AT, O=Bundesministerium (demo), CN=AT PID Issuer', { ...o, issuer: atPidCa });
  const chPidCa = await party('C=CH, O=Bund (demo), CN=CH PID CA', { ...o, ca: true });
  const chPidIssuer = await party('C=CH, O=Bund (demo), CN=CH PID Issuer', { ...o, issuer: chPidCa });
  const rogueCa = await party('C=DE, O=Not Notified GmbH, CN=DE PID CA', { ...o, ca: true });
  const rogueIssuer = await party('C=DE, O=Not Notified GmbH, CN=DE PID Issuer 01', { ...o, issuer: rogueCa });
  const deAccessCa = await party('C=DE, O=D-Trust (demo), CN=DE Access CA', { ...o, ca: true });
  const accessLeafAsIssuer = await party('C=DE, O=Some Relying Party GmbH, CN=RP Access Certificate', { ...o, issuer: deAccessCa });
  const deEaaCa = await party('C=DE, O=GKV Spitzenverband (demo), CN=DE EHIC CA', { ...o, ca: true });
  const deEaaIssuer = await party('C=DE, O=GKV Spitzenverband (demo), CN=DE EHIC Issuer', { ...o, issuer: deEaaCa });
  // ISO/IEC 18013-5 Annex B: an IACA signs document signers directly (path length 0).
  const grIaca = await party('C=GR, O=Hellenic Ministry of Transport (demo), CN=GR IACA', { ...o, ca: true, pathLength: 0 });
  const grDs = await party('C=GR, O=Hellenic Ministry of Transport (demo), CN=GR mDL DS', { ...o, issuer: grIaca, eku: [MDL_DS_EKU] });
  const deIaca = await party('C=DE, O=Kraftfahrt-Bundesamt (demo), CN=DE IACA', { ...o, ca: true, pathLength: 0 });
  const deDs = await party('C=DE, O=Kraftfahrt-Bundesamt (demo), CN=DE mDL DS', { ...o, issuer: deIaca, eku: [MDL_DS_EKU] });
  const lotlSigner = await party('C=BE, O=European Commission, CN=EU List of Trusted Lists Signer (demo)', o);
  const esTlSigner = await party('C=ES, O=Ministerio para la Transformación Digital (demo), CN=ES Trusted List Signer', o);
  const itTlSigner = await party('C=IT, O=AgID (demo), CN=IT Trusted List Signer', o);
  const esQeaaCa = await party('C=ES, O=FNMT (demo), CN=ES QEAA CA', { ...o, ca: true });
  const esDiplomaIssuer = await party('C=ES, O=Universidad de Salamanca (demo), CN=Diplomas', { ...o, issuer: esQeaaCa });
  const itQeaaCa = await party('C=IT, O=InfoCert (demo), CN=IT QEAA CA', { ...o, ca: true });
  const itDiplomaIssuer = await party('C=IT, O=Università di Bologna (demo), CN=Diplomi', { ...o, issuer: itQeaaCa });

  const partial = {
    now,
    ecSeal,
    vicalSigner,
    frRegistrar,
    deRegistrar,
    dePidCa,
    dePidIssuer,
    atPidCa,
    atPidIssuer,
    chPidCa,
    chPidIssuer,
    rogueCa,
    rogueIssuer,
    deAccessCa,
    accessLeafAsIssuer,
    deEaaCa,
    deEaaIssuer,
    grIaca,
    grDs,
    deIaca,
    deDs,
    lotlSigner,
    esTlSigner,
    itTlSigner,
    esQeaaCa,
    esDiplomaIssuer,
    itQeaaCa,
    itDiplomaIssuer,
  };
  const files = new Map<string, Uint8Array>();
  const put = (name: string, data: string | Uint8Array): void => {
    files.set(`/world/${name}`, typeof data === 'string' ? utf8Encode(data) : data);
  };

  const pidEntities = [
    { name: 'Bundesdruckerei GmbH (demo)', country: 'DE', serviceType: PID_ISSUANCE, certificates: [dePidCa.cert] },
    { name: 'Republik Österreich (demo)', country: 'AT', serviceType: PID_ISSUANCE, certificates: [atPidCa.cert] },
  ];
  const pidLote = createLoTE({
    sequence: 12,
    type: PID_LIST,
    operator: 'European Commission',
    territory: 'EU',
    issued: new Date(now.getTime() - 20 * DAY),
    nextUpdate: new Date(now.getTime() + 160 * DAY),
    entities: pidEntities,
  });
  const pidJws = await signLoTE(pidLote, ecSeal.signer, [ecSeal.cert]);
  put('eu-pid-providers.jws', pidJws);
  // A tampered copy: one entity's country changed after sealing.
  const [h, p, s] = pidJws.split('.') as [string, string, string];
  const tamperedPayload = base64urlEncode(utf8Encode(Buffer.from(p, 'base64url').toString('utf8').replace('"Country":"AT"', '"Country":"FR"')));
  put('eu-pid-providers.tampered.jws', `${h}.${tamperedPayload}.${s}`);
  // A stale (but validly sealed) snapshot: past its NextUpdate.
  const staleLote = createLoTE({
    sequence: 11,
    type: PID_LIST,
    operator: 'European Commission',
    territory: 'EU',
    issued: new Date(now.getTime() - 200 * DAY),
    nextUpdate: new Date(now.getTime() - 10 * DAY),
    entities: pidEntities,
  });
  put('eu-pid-providers.stale.jws', await signLoTE(staleLote, ecSeal.signer, [ecSeal.cert]));

  const wrpac = createLoTE({
    sequence: 5,
    type: WRPAC_LIST,
    operator: 'European Commission',
    territory: 'EU',
    issued: new Date(now.getTime() - 20 * DAY),
    nextUpdate: new Date(now.getTime() + 160 * DAY),
    entities: [{ name: 'D-Trust GmbH (demo)', country: 'DE', serviceType: WRPAC_ISSUANCE, certificates: [deAccessCa.cert] }],
  });
  put('eu-wrpac-providers.jws', await signLoTE(wrpac, ecSeal.signer, [ecSeal.cert]));
  put(
    'eu-mdl.vical',
    await signVical(
      {
        provider: 'EU mDL VICAL Provider (demo)',
        date: new Date(now.getTime() - 5 * DAY),
        nextUpdate: new Date(now.getTime() + 85 * DAY),
        issueId: 21,
        certificateInfos: [
          { certificate: grIaca.cert, docTypes: [MDL], issuingCountry: 'GR' },
          { certificate: deIaca.cert, docTypes: [MDL], issuingCountry: 'DE' },
        ],
      },
      vicalSigner.signer,
      [vicalSigner.cert],
    ),
  );
  // The EU LOTL points to Spain's and Italy's trusted lists (TS 119 612 XML). Italy's cannot be
  // fetched today: the configuration names no file for it.
  const signed = (xml: string, signer: Party) => signTestTrustedList(xml, { privateJwk: signer.privateJwk, certificate: signer.cert });
  const pointers = [
    { location: ES_TL, territory: 'ES', signer: esTlSigner.cert },
    { location: IT_TL, territory: 'IT', signer: itTlSigner.cert },
  ];
  put('eu-lotl.xml', signed(createTestListOfTheLists(pointers, { now }), lotlSigner));
  put('es-tl.xml', signed(createTestTrustedList({ territory: 'ES', ca: esQeaaCa.cert, now }), esTlSigner));
  put('eu-lotl-signer.pem', pem(lotlSigner.cert));
  put('ch-pid-anchors.pem', derToPem(chPidCa.cert.der));
  put('de-eaa-anchors.pem', derToPem(deEaaCa.cert.der));
  put('ec-seal.pem', pem(ecSeal.cert));
  put('vical-signer.pem', pem(vicalSigner.cert));
  put('fr-registrar.pem', pem(frRegistrar.cert));
  put('de-registrar.pem', pem(deRegistrar.cert));

  const issued = new Date(now.getTime() - 10 * DAY).toISOString();
  const frList: AgreementList = {
    type: 'comity-agreement-list',
    issuer: 'FR',
    sequence: 3,
    issued,
    nextUpdate: new Date(now.getTime() + 80 * DAY).toISOString(),
    agreements: frAgreements(partial),
  };
  const deList: AgreementList = { type: 'comity-agreement-list', issuer: 'DE', sequence: 5, issued, agreements: deAgreements(partial) };
  put('fr-agreements.jws', await signAgreementList(frList, frRegistrar.signer, [frRegistrar.cert]));
  put('de-agreements.jws', await signAgreementList(deList, deRegistrar.signer, [deRegistrar.cert]));
  put('fr-agreements-status.jwt', await statusListJwt([0, 2, 0, 0], frRegistrar, now));
  return { ...partial, files };
}

/** The trust configuration of a verifier in this world (the `--trust FILE` format). */
export function trustConfig(verifier: TrustConfigFile['verifier'], pidListFile = 'eu-pid-providers.jws'): TrustConfigFile {
  return {
    verifier,
    policy: { onStaleSource: 'indeterminate' },
    sources: [
      { id: 'eu-pid-lote', kind: 'lote', file: pidListFile, signers: ['ec-seal.pem'], loa: 'high' },
      { id: 'eu-wrpac-lote', kind: 'lote', file: 'eu-wrpac-providers.jws', signers: ['ec-seal.pem'] },
      { id: 'eu-mdl-vical', kind: 'vical', file: 'eu-mdl.vical', signers: ['vical-signer.pem'] },
      { id: 'ch-pid-bundle', kind: 'x509', file: 'ch-pid-anchors.pem', category: 'pid', jurisdiction: 'CH', loa: 'high' },
      { id: 'de-eaa-bundle', kind: 'x509', file: 'de-eaa-anchors.pem', category: 'eaa', jurisdiction: 'DE', loa: 'substantial' },
      // Only Spain's list is at hand: Italy's pointer has no file, so it is a failure scoped to IT.
      { id: 'eu-lotl', kind: 'lotl', file: 'eu-lotl.xml', signers: ['eu-lotl-signer.pem'], lists: { [ES_TL]: 'es-tl.xml' } },
    ],
    agreementLists: [
      { file: 'fr-agreements.jws', signers: ['fr-registrar.pem'] },
      { file: 'de-agreements.jws', signers: ['de-registrar.pem'] },
    ],
    statusLists: [{ file: 'fr-agreements-status.jwt', signers: ['fr-registrar.pem'] }],
  };
}

/** Loads a verifier's registry from the in-memory files. */
export function loadRegistry(world: World, config: TrustConfigFile): Promise<TrustRegistry> {
  return loadTrustConfig(config, {
    baseDir: '/world',
    readFile: async (path) => {
      const f = world.files.get(path);
      if (f === undefined) throw new Error(`no such file: ${path}`);
      return f;
    },
  });
}

export const ctxAt = (now: Date) => createContext({ now: () => now });

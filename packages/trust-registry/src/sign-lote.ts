/**
 * Building and sealing TS 119 602 LoTEs (JSON binding in a compact JWS), for scheme operators,
 * test PKIs and the examples.
 *
 * @module
 */
import { base64Encode, base64urlEncode, type Certificate, ComityUsageError, type Signer, utf8Encode } from '@comity/core';

/** One trusted entity to list. */
export interface LoTEEntityInput {
  readonly name: string;
  /** ISO 3166-1 alpha-2 of the entity (written as `TEInformationURI …/<Type>/<CC>` and the postal country). */
  readonly country: string;
  /** Service type URI, e.g. `http://uri.etsi.org/19602/SvcType/PID/Issuance`. */
  readonly serviceType: string;
  readonly certificates: readonly Certificate[];
  /** Status URI; omit for "listed = notified" (EU PID / wallet / WRPAC / WRPRC profiles). */
  readonly status?: string;
  readonly statusStartingTime?: string;
  readonly history?: ReadonlyArray<{ readonly status: string; readonly start: string }>;
}

/** List-level fields. */
export interface LoTEInput {
  readonly sequence: number;
  /** LoTEType URI, e.g. `http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList`. */
  readonly type: string;
  readonly operator: string;
  readonly territory: string;
  readonly issued: Date;
  readonly nextUpdate: Date;
  readonly entities: readonly LoTEEntityInput[];
}

const b64 = (der: Uint8Array): string => base64Encode(der);
const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Builds a TS 119 602 LoTE object (`{"LoTE":{…}}`, JSON binding).
 *
 * @example
 * ```ts
 * const lote = createLoTE({ sequence: 1, type: 'http://uri.etsi.org/19602/LoTEType/EUPIDProvidersList', operator: 'EC',
 *   territory: 'EU', issued, nextUpdate, entities: [{ name: 'Bundesdruckerei', country: 'DE', serviceType, certificates: [ca] }] });
 * ```
 * @see ETSI TS 119 602 V1.1.1 Annex A
 */
export function createLoTE(input: LoTEInput): Record<string, unknown> {
  const kind = /\/LoTEType\/EU([A-Za-z]+?)s?List$/.exec(input.type)?.[1] ?? 'Entity';
  return {
    LoTE: {
      ListAndSchemeInformation: {
        LoTEVersionIdentifier: 1,
        LoTESequenceNumber: input.sequence,
        LoTEType: input.type,
        SchemeOperatorName: [{ lang: 'en', value: input.operator }],
        SchemeTerritory: input.territory,
        ListIssueDateTime: iso(input.issued),
        NextUpdate: iso(input.nextUpdate),
      },
      TrustedEntitiesList: input.entities.map((e) => ({
        TrustedEntityInformation: {
          TEName: [{ lang: 'en', value: e.name }],
          TEAddress: {
            TEPostalAddress: [{ lang: 'en', StreetAddress: '-', Locality: '-', Country: e.country }],
            TEElectronicAddress: [{ lang: 'en', uriValue: 'mailto:trust@example.org' }],
          },
          TEInformationURI: [{ lang: 'en', uriValue: `http://uri.etsi.org/19602/ListOfTrustedEntities/${kind}/${e.country}` }],
        },
        TrustedEntityServices: [
          {
            ServiceInformation: {
              ServiceName: [{ lang: 'en', value: `${e.name} service` }],
              ServiceDigitalIdentity: { X509Certificates: e.certificates.map((c) => ({ val: b64(c.der) })) },
              ServiceTypeIdentifier: e.serviceType,
              ...(e.status === undefined ? {} : { ServiceStatus: e.status, StatusStartingTime: e.statusStartingTime ?? iso(input.issued) }),
            },
            ...(e.history === undefined || e.history.length === 0
              ? {}
              : {
                  ServiceHistory: e.history.map((h) => ({
                    ServiceName: [{ lang: 'en', value: `${e.name} service` }],
                    ServiceDigitalIdentity: { X509Certificates: e.certificates.map((c) => ({ val: b64(c.der) })) },
                    ServiceStatus: h.status,
                    StatusStartingTime: h.start,
                  })),
                }),
          },
        ],
      })),
    },
  };
}

/**
 * Seals a LoTE as a compact JWS (JAdES-B-B shape: `typ` JOSE, `x5c` chain, `iat`-free payload).
 *
 * @example
 * ```ts
 * const jws = await signLoTE(createLoTE(input), localSigner(privateJwk, 'ES256', defaultCrypto), [sealCert]);
 * ```
 * @see ETSI TS 119 602 V1.1.1 Annex A; ETSI TS 119 182-1
 */
export async function signLoTE(lote: Record<string, unknown>, signer: Signer, certificateChain: readonly Certificate[]): Promise<string> {
  if (signer === null || typeof signer !== 'object' || typeof signer.sign !== 'function')
    throw new ComityUsageError('ERR_USAGE_SIGNER', 'signLoTE needs a Signer');
  const h = base64urlEncode(utf8Encode(JSON.stringify({ alg: signer.alg, typ: 'JOSE', x5c: certificateChain.map((c) => b64(c.der)) })));
  const p = base64urlEncode(utf8Encode(JSON.stringify(lote)));
  return `${h}.${p}.${base64urlEncode(await signer.sign(utf8Encode(`${h}.${p}`)))}`;
}

/**
 * The holder role: a wallet that receives credentials, shows the citizen who asks for
 * what, discloses only what the citizen agrees to, and keeps a presentation log that
 * belongs to the citizen.
 *
 * @module
 */
import { base64urlDecode, base64urlEncode, type ClaimPath, type ComityContext, ComityError, isPlainObject, type Signer } from '@comity/core';
import { buildSessionTranscript, type HandoverInput, parseIssuerSigned, presentMdoc, toJsonValue } from '@comity/mdoc';
import {
  type DecodedSdJwt,
  type IssuerKeyResolver,
  parseSdJwtJson,
  pathMatches,
  presentSdJwt,
  receiveSdJwt,
  type SdJwtJsonSignature,
  toJsonSerialization,
} from '@comity/sd-jwt-vc';
import { msoFactsOf, plainClaimsOf } from './internal/always-sent.js';
import { checkWalletOptions } from './internal/options.js';
import { disclosedBy, disclosuresFor, parentRevealedWhole, reach, revealedBeyond, withholdable } from './internal/reveal.js';
import {
  checkBoundToSigner,
  checkReceivedDisclosures,
  checkReceivedHeader,
  checkReceivedMdoc,
  checkReceivedNotExpired,
  checkReceivedSignature,
  verifiedOtherSignatures,
} from './receive-checks.js';
import { checkConsent, checkHandoverBinding, checkMdocRequest, checkRequest, checkTranscriptMatches } from './request-check.js';

/** A credential in the wallet. */
export interface StoredCredential {
  readonly id: string;
  readonly format: 'dc+sd-jwt' | 'mso_mdoc';
  /** `vct` of an SD-JWT VC, `docType` of an mdoc. */
  readonly type: string;
  /**
   * `iss` of an SD-JWT VC; for an mdoc, the subject of the document signer certificate that
   * verified its signature. As the credential states it: not anchored in any trust list.
   */
  readonly issuer: string | undefined;
  /** The wallet's own decoded view of every claim (trust in the issuer is the verifier's decision). Frozen. */
  readonly claims: Record<string, unknown>;
  readonly receivedAt: string;
  /**
   * Whether the wallet checked the issuer signature on receipt: always for an mdoc and for an
   * SD-JWT VC with `x5c`; for other SD-JWT VCs only with the wallet's `issuerKey` option.
   * `unchecked` values may have been changed in transit: show the citizen so.
   */
  readonly issuerSignature: 'verified' | 'unchecked';
  /**
   * An SD-JWT VC received in the JWS JSON Serialization (RFC 9901 §8) of which the wallet keeps
   * back what it cannot show or vouch for, so that no presentation sends it: present only then.
   *
   * - `headerParameters`: the names of the unprotected header parameters other than
   *   `disclosures` and `kb_jwt` (a `kid`, anything an issuer put there). They are not signed, so
   *   no verifier can rely on them, and the wallet checks the signature without them; sent,
   *   they would reach every verifier, unseen by the citizen. Presentations carry no others.
   * - `signatures`: the index (in the received `signatures`, the first being 0) of every issuer
   *   signature after the first that did not verify under the key resolution that verified the
   *   first (only when `issuerSignature` is `verified`; an `unchecked` credential keeps them all).
   */
  readonly notForwarded?: { readonly headerParameters: readonly string[]; readonly signatures: readonly number[] };
}

/** A request as the citizen sees it. */
export interface PresentationRequestView {
  /** Who asks (the verifier's client_id or origin). */
  readonly verifier: string;
  readonly purpose?: string;
  /**
   * Each requested claim: whether the credential has it (exactly when `present` can disclose it),
   * whether the issuer made it optional to share, and what else sharing it reveals.
   */
  readonly claims: ReadonlyArray<{
    readonly path: ClaimPath;
    readonly available: boolean;
    readonly selectivelyDisclosable: boolean;
    /** The outermost parent claim that sharing this one discloses whole. */
    readonly revealsAllOf?: ClaimPath;
    /** Every other claim that the disclosures sent with this one reveal (SD-JWT VC, stored-claim paths). */
    readonly alsoReveals?: readonly ClaimPath[];
  }>;
  /** What every presentation of this credential sends, whatever the consent: as {@link PresentationLogEntry.alwaysSent}. */
  readonly alwaysSent: readonly ClaimPath[];
}

/** One entry of the citizen's presentation log. */
export interface PresentationLogEntry {
  readonly at: string;
  readonly verifier: string;
  readonly purpose?: string;
  readonly credentialId: string;
  readonly credentialType: string;
  /**
   * What the verifier received of what was requested: the requested paths it can read, then every
   * other claim the sent disclosures revealed with them (parents of a nested claim).
   */
  readonly disclosed: readonly ClaimPath[];
  /** The requested paths the verifier did not receive. */
  readonly withheld: readonly ClaimPath[];
  /**
   * What the verifier received without any disclosure, asked for or not; the same for every
   * presentation of the credential, and the same list `describeRequest` showed before consent.
   *
   * SD-JWT VC: the leaf path of every plain claim of the issuer-signed payload, nested ones and
   * array elements included (concrete indices into the stored claims, as in `disclosed`), in
   * payload order: technical claims (`iss`, `iat`, `exp`, `vct`, `cnf`, `status`...) as well as
   * personal ones the issuer did not make disclosable. A container whose members are all
   * disclosable is named itself (its existence is sent). A claim inside a disclosure is not here:
   * it is sent only with that disclosure, and then listed in `disclosed`. A requested plain claim
   * is in both lists.
   *
   * mdoc: no element is sent without consent, but the MSO always is; listed are its facts as paths
   * into the MSO (not `[namespace, element]`): `['docType']`, `['validityInfo', 'signed' |
   * 'validFrom' | 'validUntil' | 'expectedUpdate']`, `['deviceKeyInfo', 'deviceKey']` (the
   * holder's key, a correlation handle like `cnf`), `['deviceKeyInfo', 'keyAuthorizations']` and
   * the `status` leaves when present. Digests and the digest algorithm are not listed.
   */
  readonly alwaysSent: readonly ClaimPath[];
}

/** A verifier's request as the wallet receives it. */
export interface WalletPresentationRequest {
  /** The verifier's client_id (SD-JWT KB `aud`), or `origin:<origin>` over the DC API. */
  readonly verifier: string;
  readonly nonce: string;
  readonly purpose?: string;
  /** Requested claims as DCQL claim paths (`[namespace, element]` for mdoc). */
  readonly claims: readonly ClaimPath[];
  /** mdoc: the handover of this request (or the transcript itself). */
  readonly handover?: HandoverInput;
  readonly sessionTranscript?: Uint8Array;
}

/** The holder role. */
export interface Wallet {
  /**
   * Checks and stores a credential received from an issuer: an SD-JWT VC (compact or JWS JSON
   * Serialization, presented back in the same form without what `notForwarded` names) or a
   * base64url mdoc IssuerSigned.
   * @throws ComityError on a malformed credential (`ERR_HOLDER_CREDENTIAL_MALFORMED` when it is not a
   *   string, the format's codes otherwise), one whose issuer signature fails, or an SD-JWT+KB
   */
  receive(credential: string): Promise<StoredCredential>;
  /** The stored credentials, in the order received (frozen: the wallet's state cannot be changed through them). */
  credentials(): readonly StoredCredential[];
  /**
   * What a request asks of one credential, for the consent screen: each requested claim, and what
   * any presentation of the credential sends anyway (`alwaysSent`, as the log will record it).
   */
  describeRequest(credentialId: string, request: { verifier: string; purpose?: string; claims: readonly ClaimPath[] }): PresentationRequestView;
  /**
   * Presents a credential: discloses the requested claims the citizen consented to, signs key
   * binding for this verifier and nonce, and logs what was shared and withheld.
   */
  present(credentialId: string, request: WalletPresentationRequest, consent: readonly ClaimPath[]): Promise<string>;
  /** The citizen's presentation log (frozen entries; the citizen may export it). */
  log(): readonly PresentationLogEntry[];
}

/**
 * Creates an in-memory wallet whose key binding key is `keyBindingSigner`.
 *
 * @example
 * ```ts
 * const wallet = createWallet({ keyBindingSigner: localSigner(holderKey, 'ES256', crypto) });
 * const stored = await wallet.receive(credential);
 * const vp = await wallet.present(stored.id, { verifier: 'https://rp.example.fr', nonce, claims: [['given_name']] }, [['given_name']]);
 * ```
 */
export function createWallet(options: {
  keyBindingSigner: Signer;
  ctx?: ComityContext;
  /**
   * Finds the issuer key of an SD-JWT VC without `x5c`, so the wallet can check its signature
   * on receipt (RFC 9901 §7.2): for instance `jwtVcIssuerMetadataKey()` for the issuer the
   * wallet just received from, or `pinnedIssuerKeys([...])`. Without it such credentials are
   * stored with `issuerSignature: 'unchecked'`.
   */
  issuerKey?: IssuerKeyResolver;
}): Wallet {
  // Captured once: changing the options, the signer or its key later changes nothing here.
  const { signer, ctx, issuerKey } = checkWalletOptions(options);
  // `json`: the credential came in the JWS JSON Serialization (RFC 9901 §8) and is presented in it.
  // Unprotected header parameters other than disclosures and kb_jwt are never kept (see `notForwarded`).
  type JsonForm = { form: 'flattened' | 'general'; otherSignatures: SdJwtJsonSignature[] };
  // `alwaysSent`: worked out once on receipt, so the consent screen and the log cannot disagree.
  type Entry = {
    stored: StoredCredential;
    raw: string;
    alwaysSent: readonly ClaimPath[];
    decoded?: DecodedSdJwt;
    issuerSigned?: Uint8Array;
    json?: JsonForm;
  };
  const store = new Map<string, Entry>();
  const entries: PresentationLogEntry[] = [];
  const get = (id: string) => {
    const item = store.get(id);
    if (item === undefined) throw new ComityError('ERR_HOLDER_CREDENTIAL_UNKNOWN', 'no credential with this id in the wallet');
    return item;
  };
  // A disclosure at the path or above it (matched by the requested pattern): withholding the path withholds it.
  const isSd = (decoded: DecodedSdJwt, pattern: ClaimPath) =>
    decoded.disclosures.some((d) => d.path.length <= pattern.length && pathMatches(pattern.slice(0, d.path.length), d.path));
  return {
    async receive(credential) {
      if (typeof credential !== 'string') throw new ComityError('ERR_HOLDER_CREDENTIAL_MALFORMED', 'a credential is received as a string');
      let text = credential.trim();
      // Kept as the compact form of the first signature (the one sd_hash covers); the other
      // signatures are checked with the first one's below.
      let parsed: ReturnType<typeof parseSdJwtJson> | undefined;
      if (text.startsWith('{')) {
        parsed = parseSdJwtJson(text);
        const first = parsed.signed[0] as (typeof parsed.signed)[0];
        text = `${first.jwt}~${parsed.disclosures.map((d) => `${d}~`).join('')}${parsed.kbJwt ?? ''}`;
      }
      const json = parsed !== undefined;
      // A JWT without the '~' that ends every SD-JWT: not an mdoc either (base64url has no '.').
      if (!json && !text.includes('~') && text.includes('.'))
        throw new ComityError('ERR_HOLDER_CREDENTIAL_MALFORMED', 'a JWT without disclosures or the closing "~" is not an SD-JWT VC');
      if (!json && !text.includes('~')) {
        // An mdoc arrives as base64url IssuerSigned (OpenID4VCI mso_mdoc).
        const bytes = base64urlDecode(text, 'mdoc credential');
        const issuer = await checkReceivedMdoc(bytes, ctx);
        const parsed = parseIssuerSigned(bytes);
        checkBoundToSigner(parsed.mso.deviceKey, signer);
        // Defined, not assigned: a namespace named `__proto__` is a namespace, not the object's prototype.
        const claims: Record<string, Record<string, unknown>> = {};
        for (const [ns, items] of parsed.nameSpaces)
          Object.defineProperty(claims, ns, {
            value: Object.fromEntries(items.map((i) => [i.elementIdentifier, toJsonValue(i.elementValue)])),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        const id = base64urlEncode(ctx.crypto.randomBytes(12));
        const stored: StoredCredential = deepFreeze({
          id,
          format: 'mso_mdoc',
          type: parsed.mso.docType,
          issuer,
          claims,
          receivedAt: ctx.now().toISOString(),
          issuerSignature: 'verified',
        });
        store.set(id, { stored, raw: text, alwaysSent: deepFreeze(msoFactsOf(parsed.mso)), issuerSigned: bytes });
        return stored;
      }
      const decoded = await receiveSdJwt(text, ctx);
      checkReceivedHeader(decoded);
      checkReceivedDisclosures(decoded);
      const received = await checkReceivedSignature(text.slice(0, text.indexOf('~')), decoded, issuerKey, ctx);
      const issuerSignature = received.issuerSignature;
      const vct = decoded.claims.vct;
      if (typeof vct !== 'string') throw new ComityError('ERR_SDJWT_VC_VCT_MISSING', 'the credential lacks a string "vct"');
      checkReceivedNotExpired(decoded.claims, ctx);
      const cnf = decoded.claims.cnf;
      checkBoundToSigner(isPlainObject(cnf) ? cnf.jwk : undefined, signer);
      let jsonForm: JsonForm | undefined;
      let notForwarded: StoredCredential['notForwarded'];
      if (parsed !== undefined) {
        // What the JSON form adds is sent again only when the wallet can vouch for it and the
        // citizen sees all of it: signatures that verify as the first did, no unprotected header
        // parameters but the disclosures and key binding the wallet builds itself.
        const { kept, dropped } = await verifiedOtherSignatures(parsed.signed, decoded.payload, received, ctx);
        const otherSignatures = kept.map((index) => {
          const [protectedHeader, , signature] = (parsed.signed[index] as { jwt: string }).jwt.split('.') as [string, string, string];
          return { protected: protectedHeader, signature };
        });
        jsonForm = { form: parsed.form, otherSignatures };
        const headerParameters = [...new Set(parsed.signed.flatMap((s) => Object.keys(s.unprotected)))];
        if (headerParameters.length > 0 || dropped.length > 0) notForwarded = { headerParameters, signatures: dropped };
      }
      const id = base64urlEncode(ctx.crypto.randomBytes(12));
      const stored: StoredCredential = deepFreeze({
        id,
        format: 'dc+sd-jwt',
        type: vct,
        issuer: typeof decoded.claims.iss === 'string' ? decoded.claims.iss : undefined,
        claims: decoded.claims,
        receivedAt: ctx.now().toISOString(),
        issuerSignature,
        ...(notForwarded === undefined ? {} : { notForwarded }),
      });
      store.set(id, { stored, raw: text, alwaysSent: deepFreeze(plainClaimsOf(decoded)), decoded, ...(jsonForm === undefined ? {} : { json: jsonForm }) });
      return stored;
    },
    credentials() {
      return [...store.values()].map((v) => v.stored);
    },
    describeRequest(credentialId, given) {
      const request = checkRequest(given, false);
      const { decoded, stored, alwaysSent } = get(credentialId);
      if (decoded === undefined) {
        checkMdocRequest(request.claims);
        // Every mdoc element is disclosed on its own.
        return {
          verifier: request.verifier,
          ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
          claims: request.claims.map((path) => ({ path, available: reach(stored.claims, path), selectivelyDisclosable: true })),
          alwaysSent,
        };
      }
      return {
        verifier: request.verifier,
        ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
        claims: request.claims.map((path) => {
          // `reach` is the existence rule of presentSdJwt: available exactly when present() can disclose it.
          const available = reach(decoded.claims, path);
          if (!available) return { path, available, selectivelyDisclosable: isSd(decoded, path) };
          // Not `isSd`: with a `null` step every element must be withheld by withholding the path.
          const selectivelyDisclosable = withholdable(decoded, path);
          const sent = disclosuresFor(decoded, path);
          const whole = parentRevealedWhole(decoded, path, sent);
          const also = revealedBeyond(decoded, sent, [path]);
          return {
            path,
            available,
            selectivelyDisclosable,
            ...(whole === undefined ? {} : { revealsAllOf: whole }),
            ...(also.length === 0 ? {} : { alsoReveals: also }),
          };
        }),
        alwaysSent,
      };
    },
    async present(credentialId, given, consent) {
      // The wallet's own copies, each field read once: what is checked is what is signed and logged,
      // whatever the caller's objects do meanwhile (getters, changes while the signer works).
      const request = checkRequest(given, true);
      const agreedPaths = checkConsent(consent);
      const { stored, raw, decoded, issuerSigned, json, alwaysSent } = get(credentialId);
      const requested = request.claims;
      const key = (p: ClaimPath) => JSON.stringify(p);
      const agreed = new Set(agreedPaths.map(key));
      const chosen = requested.filter((p) => agreed.has(key(p)));
      let presentation: string;
      let disclosed: ClaimPath[];
      if (issuerSigned !== undefined) {
        checkMdocRequest(requested);
        checkHandoverBinding(request);
        // presentMdoc leaves out what the credential does not hold.
        disclosed = chosen.filter((p) => reach(stored.claims, p));
        const fromHandover = request.handover === undefined ? undefined : await buildSessionTranscript(request.handover, ctx);
        // The handover is what was compared with the verifier and nonce: a transcript given too must be its own.
        if (request.sessionTranscript !== undefined && fromHandover !== undefined) checkTranscriptMatches(request.sessionTranscript, fromHandover);
        const transcript = request.sessionTranscript ?? fromHandover;
        if (transcript === undefined) throw new ComityError('ERR_HOLDER_SESSION_TRANSCRIPT_REQUIRED', 'an mdoc presentation needs the handover of the request');
        presentation = base64urlEncode(await presentMdoc({ issuerSigned, disclose: chosen, deviceSigner: signer, sessionTranscript: transcript, ctx }));
      } else {
        const keyBinding = { signer, audience: request.verifier, nonce: request.nonce };
        presentation = await presentSdJwt(raw, { disclose: chosen, keyBinding }, ctx);
        disclosed = disclosedBy(decoded as DecodedSdJwt, presentation, requested);
        if (json !== undefined) presentation = JSON.stringify(toJsonSerialization(presentation, json));
      }
      const sent = new Set(disclosed.map(key));
      entries.push(
        deepFreeze({
          at: ctx.now().toISOString(),
          verifier: request.verifier,
          ...(request.purpose === undefined ? {} : { purpose: request.purpose }),
          credentialId,
          credentialType: stored.type,
          disclosed,
          withheld: requested.filter((p) => !sent.has(key(p))),
          alwaysSent,
        }),
      );
      return presentation;
    },
    log() {
      return [...entries];
    },
  };
}

/** Freezes stored data all the way down: what callers are given cannot change the wallet. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

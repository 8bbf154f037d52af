import type { CheckResult, TrustCheck } from '../types.js';

type P = Readonly<Record<string, string>>;
type Template = (p: P) => string;
type Templates = Partial<Record<CheckResult, { en: Template; fr: Template }>>;

const g = (p: P, k: string): string => p[k] ?? '?';

const T: Record<string, Templates> = {
  TRUST_LIST_SIGNATURE: {
    pass: {
      en: (p) =>
        `Signatures of the trust lists used were verified at load (${g(p, 'sources')}).` +
        (p.notConsulted === undefined ? '' : ` Lists of other territories that failed at load were not consulted: ${p.notConsulted}.`),
      fr: (p) =>
        `Les signatures des listes de confiance utilisées ont été vérifiées au chargement (${g(p, 'sources')}).` +
        (p.notConsulted === undefined ? '' : ` Les listes d'autres territoires en échec au chargement n'ont pas été consultées : ${p.notConsulted}.`),
    },
    fail: {
      en: (p) => `Trust list ${g(p, 'source')} failed its signature check (${g(p, 'error')}).`,
      fr: (p) => `La liste de confiance ${g(p, 'source')} a échoué au contrôle de signature (${g(p, 'error')}).`,
    },
    unknown: {
      en: (p) => `Trust list ${g(p, 'source')} (territory ${g(p, 'territory')}) failed at load (${g(p, 'error')}); retry once it loads.`,
      fr: (p) =>
        `La liste de confiance ${g(p, 'source')} (territoire ${g(p, 'territory')}) a échoué au chargement (${g(p, 'error')}) ; réessayer une fois chargée.`,
    },
  },
  TRUST_CATEGORY_MATCH: {
    pass: { en: (p) => `The issuer is anchored in the ${g(p, 'category')} store.`, fr: (p) => `L'émetteur est ancré dans le magasin ${g(p, 'category')}.` },
    fail: {
      en: (p) => `The issuer chains to an anchor of category ${g(p, 'found')}, which cannot anchor a ${g(p, 'category')} credential.`,
      fr: (p) => `L'émetteur se rattache à une ancre de catégorie ${g(p, 'found')}, qui ne peut pas ancrer une attestation ${g(p, 'category')}.`,
    },
    unknown: {
      en: (p) => `No agreement scope tells which anchor store applies to type ${g(p, 'type')}.`,
      fr: (p) => `Aucun périmètre d'accord n'indique le magasin d'ancres du type ${g(p, 'type')}.`,
    },
    skip: { en: () => 'Category not checked: the issuer is anchored nowhere.', fr: () => "Catégorie non vérifiée : l'émetteur n'est ancré nulle part." },
  },
  TRUST_ISSUER_ANCHORED: {
    pass: {
      en: (p) => `The issuer chains to ${g(p, 'subject')} listed in ${g(p, 'source')} (sequence ${g(p, 'sequence')}).`,
      fr: (p) => `L'émetteur se rattache à ${g(p, 'subject')} inscrit dans ${g(p, 'source')} (séquence ${g(p, 'sequence')}).`,
    },
    fail: {
      en: (p) => `The issuer does not chain to any active ${g(p, 'category')} anchor (${g(p, 'error')}).`,
      fr: (p) => `L'émetteur ne se rattache à aucune ancre ${g(p, 'category')} active (${g(p, 'error')}).`,
    },
    unknown: {
      en: (p) =>
        `The issuer chains to no ${g(p, 'category')} anchor of the lists loaded; it may be listed in ${g(p, 'source')}, which failed (${g(p, 'error')}).`,
      fr: (p) =>
        `L'émetteur ne se rattache à aucune ancre ${g(p, 'category')} des listes chargées ; il est peut-être inscrit dans ${g(p, 'source')}, en échec (${g(p, 'error')}).`,
    },
  },
  TRUST_SERVICE_STATUS: {
    pass: {
      en: (p) => `The listed service was ${g(p, 'status')} at signing time.`,
      fr: (p) => `Le service inscrit était ${g(p, 'status')} au moment de la signature.`,
    },
    fail: {
      en: (p) => `The listed service was ${g(p, 'status')} at signing time.`,
      fr: (p) => `Le service inscrit était ${g(p, 'status')} au moment de la signature.`,
    },
    skip: { en: () => 'Service status not checked: no anchor.', fr: () => 'Statut du service non vérifié : aucune ancre.' },
  },
  TRUST_LIST_FRESH: {
    pass: {
      en: (p) => `List ${g(p, 'source')} is fresh until ${g(p, 'nextUpdate')}.`,
      fr: (p) => `La liste ${g(p, 'source')} est à jour jusqu'au ${g(p, 'nextUpdate')}.`,
    },
    fail: {
      en: (p) => `List ${g(p, 'source')} is past its NextUpdate (${g(p, 'nextUpdate')}).`,
      fr: (p) => `La liste ${g(p, 'source')} a dépassé sa date NextUpdate (${g(p, 'nextUpdate')}).`,
    },
    unknown: {
      en: (p) => `List ${g(p, 'source')} is past its NextUpdate (${g(p, 'nextUpdate')}); the policy makes this indeterminate.`,
      fr: (p) => `La liste ${g(p, 'source')} a dépassé sa date NextUpdate (${g(p, 'nextUpdate')}) ; la politique rend le résultat indéterminé.`,
    },
    skip: { en: () => 'Freshness not checked: no anchor.', fr: () => 'Fraîcheur non vérifiée : aucune ancre.' },
  },
  TRUST_AGREEMENT_FOUND: {
    pass: {
      en: (p) => `Agreement ${g(p, 'agreement')} of ${g(p, 'recogniser')} recognises ${g(p, 'recognised')}.`,
      fr: (p) => `L'accord ${g(p, 'agreement')} de ${g(p, 'recogniser')} reconnaît ${g(p, 'recognised')}.`,
    },
    fail: {
      en: (p) => `No agreement of ${g(p, 'recogniser')} recognises issuers from ${g(p, 'recognised')}.`,
      fr: (p) => `Aucun accord de ${g(p, 'recogniser')} ne reconnaît les émetteurs de ${g(p, 'recognised')}.`,
    },
  },
  TRUST_NOT_TRANSITIVE: {
    pass: { en: () => 'Recognition is direct.', fr: () => 'La reconnaissance est directe.' },
    fail: {
      en: (p) => `${g(p, 'recogniser')} recognises ${g(p, 'via')}, which recognises ${g(p, 'recognised')}; recognition is never transitive.`,
      fr: (p) => `${g(p, 'recogniser')} reconnaît ${g(p, 'via')}, qui reconnaît ${g(p, 'recognised')} ; la reconnaissance n'est jamais transitive.`,
    },
    skip: { en: () => 'No indirect recognition path exists.', fr: () => "Aucun chemin de reconnaissance indirect n'existe." },
  },
  TRUST_AGREEMENT_VALID: {
    pass: {
      en: (p) => `Agreement is in force from ${g(p, 'effectiveFrom')} until ${g(p, 'notAfter')}.`,
      fr: (p) => `L'accord est en vigueur du ${g(p, 'effectiveFrom')} au ${g(p, 'notAfter')}.`,
    },
    fail: {
      en: (p) => `Agreement is not in force (in force ${g(p, 'effectiveFrom')} to ${g(p, 'notAfter')}).`,
      fr: (p) => `L'accord n'est pas en vigueur (du ${g(p, 'effectiveFrom')} au ${g(p, 'notAfter')}).`,
    },
    skip: { en: () => 'No agreement to check.', fr: () => 'Aucun accord à vérifier.' },
  },
  TRUST_AGREEMENT_ACTIVE: {
    pass: { en: () => 'Agreement is active.', fr: () => "L'accord est actif." },
    fail: {
      en: (p) => `Agreement is ${g(p, 'state')} since ${g(p, 'since')} (${g(p, 'reason')}).`,
      fr: (p) => `L'accord est ${g(p, 'stateFr')} depuis ${g(p, 'since')} (${g(p, 'reasonFr')}).`,
    },
    unknown: {
      en: (p) => `Agreement status list ${g(p, 'uri')} is not available.`,
      fr: (p) => `La liste de statut ${g(p, 'uri')} de l'accord n'est pas disponible.`,
    },
    skip: { en: () => 'No agreement to check.', fr: () => 'Aucun accord à vérifier.' },
  },
  TRUST_TYPE_IN_SCOPE: {
    pass: {
      en: (p) => `${g(p, 'format')} type ${g(p, 'type')} is in the agreement's scope.`,
      fr: (p) => `Le type ${g(p, 'format')} ${g(p, 'type')} est dans le périmètre de l'accord.`,
    },
    fail: {
      en: (p) => `${g(p, 'format')} type ${g(p, 'type')} is not in the scope of any agreement of ${g(p, 'recogniser')} with ${g(p, 'recognised')}.`,
      fr: (p) => `Le type ${g(p, 'format')} ${g(p, 'type')} n'est dans le périmètre d'aucun accord de ${g(p, 'recogniser')} avec ${g(p, 'recognised')}.`,
    },
    skip: { en: () => 'No agreement to check.', fr: () => 'Aucun accord à vérifier.' },
  },
  TRUST_SOURCE_RECOGNISED: {
    fail: {
      en: (p) => `Agreement ${g(p, 'agreement')} does not accept anchors from source ${g(p, 'source')}.`,
      fr: (p) => `L'accord ${g(p, 'agreement')} n'accepte pas les ancres de la source ${g(p, 'source')}.`,
    },
  },
  TRUST_LOA_SUFFICIENT: {
    pass: {
      en: (p) => `Level of assurance ${g(p, 'loa')} meets the minimum ${g(p, 'minimum')}.`,
      fr: (p) => `Le niveau de garantie ${g(p, 'loa')} atteint le minimum ${g(p, 'minimum')}.`,
    },
    fail: {
      en: (p) => `Level of assurance ${g(p, 'loa')} is below the minimum ${g(p, 'minimum')}.`,
      fr: (p) => `Le niveau de garantie ${g(p, 'loa')} est inférieur au minimum ${g(p, 'minimum')}.`,
    },
    unknown: {
      en: (p) => `The level of assurance is unknown; the minimum is ${g(p, 'minimum')}.`,
      fr: (p) => `Le niveau de garantie est inconnu ; le minimum est ${g(p, 'minimum')}.`,
    },
    skip: { en: () => 'No minimum level of assurance applies.', fr: () => "Aucun niveau de garantie minimal ne s'applique." },
  },
  TRUST_CLAIMS_MAPPED: {
    pass: {
      en: (p) => `${g(p, 'mapped')} claims passed on (${g(p, 'schema')}); ${g(p, 'dropped')} dropped.`,
      fr: (p) => `${g(p, 'mapped')} attributs transmis (${g(p, 'schema')}) ; ${g(p, 'dropped')} écartés.`,
    },
    fail: {
      en: (p) => `Required claim ${g(p, 'path')} is absent or cannot be mapped.`,
      fr: (p) => `L'attribut requis ${g(p, 'path')} est absent ou ne peut pas être converti.`,
    },
    skip: { en: () => 'Claims not mapped: no agreement scope applies.', fr: () => "Attributs non convertis : aucun périmètre d'accord ne s'applique." },
  },
  TRUST_RULE: {
    pass: { en: (p) => `Acceptance rule ${g(p, 'rule')} holds.`, fr: (p) => `La règle d'acceptation ${g(p, 'rule')} est satisfaite.` },
    fail: { en: (p) => `Acceptance rule ${g(p, 'rule')} does not hold.`, fr: (p) => `La règle d'acceptation ${g(p, 'rule')} n'est pas satisfaite.` },
    unknown: {
      en: (p) => `Acceptance rule ${g(p, 'rule')} could not be evaluated.`,
      fr: (p) => `La règle d'acceptation ${g(p, 'rule')} n'a pas pu être évaluée.`,
    },
    skip: {
      en: (p) => `Acceptance rule ${g(p, 'rule')} was not evaluated: no mapped claims.`,
      fr: (p) => `La règle d'acceptation ${g(p, 'rule')} n'a pas été évaluée : aucun attribut converti.`,
    },
  },
};

const FALLBACK = { en: (p: P) => `Check ${g(p, 'code')}: ${g(p, 'result')}.`, fr: (p: P) => `Contrôle ${g(p, 'code')} : ${g(p, 'result')}.` };

/** Builds a check record with its English and French message. */
export function check(code: string, result: CheckResult, params: P = {}, evidence?: Readonly<Record<string, string>>): TrustCheck {
  const family = code.startsWith('TRUST_RULE_') ? 'TRUST_RULE' : code;
  const t = T[family]?.[result] ?? FALLBACK;
  const p = t === FALLBACK ? { ...params, code, result } : params;
  const message = { en: t.en(p), fr: t.fr(p) };
  return evidence === undefined ? { code, result, message } : { code, result, message, evidence };
}

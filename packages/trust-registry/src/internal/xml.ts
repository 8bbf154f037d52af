import { ComityError, derToPem } from '@comity/core';
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Deepest element nesting accepted (real trusted lists and LoTEs, XAdES included, nest about 15 deep). */
export const MAX_XML_DEPTH = 64;
/** Most elements accepted (a 16 MiB real list holds about 130,000; `<a/>` packs 4 MiB per million). */
export const MAX_XML_ELEMENTS = 250_000;

/**
 * One linear pass over the markup, before any DOM is built: refuses documents nested deeper than
 * {@link MAX_XML_DEPTH} or with more than {@link MAX_XML_ELEMENTS} elements. Within the byte limit,
 * millions of tiny elements otherwise cost gigabytes of DOM and minutes of canonicalisation in
 * xml-crypto (before the signature value is even checked), up to a process-killing out-of-memory.
 * Malformed markup is left to the parser.
 */
function checkShape(text: string, what: string): void {
  const tooLarge = (field: string, limit: number): never => {
    throw new ComityError('ERR_TRUST_LIST_TOO_LARGE', `${what} is too large`, { details: { field, limit } });
  };
  let depth = 0;
  let elements = 0;
  let i = text.indexOf('<');
  while (i !== -1) {
    let end: number;
    if (text.startsWith('<!--', i)) {
      end = text.indexOf('-->', i + 4);
      if (end !== -1) end += 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      end = text.indexOf(']]>', i + 9);
      if (end !== -1) end += 3;
    } else if (text.startsWith('<?', i)) {
      end = text.indexOf('?>', i + 2);
      if (end !== -1) end += 2;
    } else if (text.startsWith('</', i)) {
      depth--;
      end = text.indexOf('>', i + 2);
      if (end !== -1) end += 1;
    } else {
      // a start or empty-element tag: its end is the first '>' outside a quoted attribute value
      let j = i + 1;
      let quote = 0;
      for (; j < text.length; j++) {
        const ch = text.charCodeAt(j);
        if (quote !== 0) {
          if (ch === quote) quote = 0;
        } else if (ch === 34 || ch === 39) quote = ch;
        else if (ch === 62) break;
      }
      if (j >= text.length) return;
      elements++;
      if (text.charCodeAt(j - 1) !== 47) depth++;
      if (depth > MAX_XML_DEPTH) tooLarge('depth', MAX_XML_DEPTH);
      if (elements > MAX_XML_ELEMENTS) tooLarge('elements', MAX_XML_ELEMENTS);
      end = j + 1;
    }
    if (end === -1) return;
    i = text.indexOf('<', end);
  }
}

/**
 * Parses untrusted XML: no DOCTYPE (no entity expansion), bounded depth and element count,
 * well-formed or error.
 */
export function parseXml(text: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ComityError('ERR_TRUST_XML_DOCTYPE', `${what} has a DOCTYPE, which is not accepted`);
  checkShape(text, what);
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level: string, msg: string) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(text, 'application/xml');
  } catch (cause) {
    throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} is not well-formed XML`, { cause });
  }
  if (doc.documentElement === null) throw new ComityError('ERR_TRUST_LIST_MALFORMED', `${what} has no root element`);
  return doc;
}

export function elementChildren(el: Element | Document, localName?: string): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (localName === undefined || (n as Element).localName === localName)) out.push(n as Element);
  }
  return out;
}

export function child(el: Element | undefined, ...names: string[]): Element | undefined {
  let cur = el;
  for (const name of names) {
    if (cur === undefined) return undefined;
    cur = elementChildren(cur, name)[0];
  }
  return cur;
}

export function childText(el: Element | undefined, ...names: string[]): string | undefined {
  const c = child(el, ...names);
  const t = c?.textContent;
  return t === null || t === undefined ? undefined : t.trim();
}

/** All descendants with a local name (document order). */
export function descendants(el: Element, localName: string, ns?: string): Element[] {
  const list = ns === undefined ? el.getElementsByTagName('*') : el.getElementsByTagNameNS(ns, localName);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = list.item(i);
    if (e !== null && e.localName === localName) out.push(e);
  }
  return out;
}

export function pem(der: Uint8Array): string {
  return derToPem(der);
}

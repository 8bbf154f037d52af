import { ComityError, derToPem } from '@comity/core';
import { DOMParser, type Document, type Element, type Node } from '@xmldom/xmldom';

export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

/** Parses untrusted XML: no DOCTYPE (no entity expansion), well-formed or error. */
export function parseXml(text: string, what: string): Document {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ComityError('ERR_TRUST_XML_DOCTYPE', `${what} has a DOCTYPE, which is not accepted`);
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

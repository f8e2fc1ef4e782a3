/**
 * WeChat's XML, read with a real parser (values are CDATA, elements are separated by newlines:
 * string matching breaks) and written with every value in CDATA. A document type or an entity
 * is refused outright (XXE, "billion laughs"); every value stays a string, so a 64-bit MsgId
 * keeps all its digits.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One inbound document's fields (`<xml><ToUserName>…</ToUserName>…</xml>`), all strings. */
export type WechatFields = Readonly<Record<string, string>>;

export class WechatXmlError extends Error {
  constructor(readonly code: 'wechat_xml_entity' | 'wechat_xml_malformed') {
    super(code);
    this.name = 'WechatXmlError';
  }
}

const parser = new XMLParser({
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  trimValues: false,
});

/** The fields of `<xml>`: only its direct children with text content. */
export function parseWechatXml(body: string): WechatFields {
  if (/<!(DOCTYPE|ENTITY)/i.test(body)) throw new WechatXmlError('wechat_xml_entity');
  if (XMLValidator.validate(body) !== true) throw new WechatXmlError('wechat_xml_malformed');
  let parsed: unknown;
  try {
    parsed = parser.parse(body);
  } catch {
    throw new WechatXmlError('wechat_xml_malformed');
  }
  const root = (parsed as { xml?: unknown }).xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw new WechatXmlError('wechat_xml_malformed');
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value === 'string') fields[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') fields[name] = String(value);
  }
  return fields;
}

/** A value as CDATA; a `]]>` inside is split across two sections. */
function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** `<xml>` with the given elements in order; numbers bare, strings in CDATA. */
export function buildWechatXml(elements: Record<string, string | number>): string {
  const inner = Object.entries(elements)
    .map(([name, value]) => `<${name}>${typeof value === 'number' ? String(value) : cdata(value)}</${name}>`)
    .join('');
  return `<xml>${inner}</xml>`;
}

/** An element of a request packet: its name, its child elements in order, and its text. */
export interface PacketElement {
  name: string;
  children: PacketElement[];
  text: string;
  attributes: Record<string, string>;
}

/** The first child named `name`, if any. */
export const childOf = (element: PacketElement, name: string): PacketElement | undefined =>
  element.children.find((child) => child.name === name);

/** The trimmed text of the child named `name`, if the child is there. */
export const textOf = (element: PacketElement, name: string): string | undefined =>
  childOf(element, name)?.text.trim();

/** A node of an answer: an element with text, with child elements, or empty. */
export type AnswerNode = {
  name: string;
  attributes?: Record<string, string>;
  content: AnswerContent;
};
export type AnswerContent = string | number | AnswerNode[];

export const node = (
  name: string,
  content: AnswerContent = [],
  attributes?: Record<string, string>,
): AnswerNode => ({ name, content, ...(attributes ? { attributes } : {}) });

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const escape = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]);

function write(answer: AnswerNode): string {
  const attributes = Object.entries(answer.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escape(value)}"`)
    .join('');
  const { content } = answer;
  if (Array.isArray(content)) {
    if (content.length === 0) return `<${answer.name}${attributes}/>`;
    return `<${answer.name}${attributes}>${content.map(write).join('')}</${answer.name}>`;
  }
  return `<${answer.name}${attributes}>${escape(String(content))}</${answer.name}>`;
}

/** The answer document: Plesk's XML declaration, then the packet. */
export const writeAnswer = (packet: AnswerNode): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n${write(packet)}`;

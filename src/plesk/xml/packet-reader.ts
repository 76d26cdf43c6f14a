import { SaxesParser } from 'saxes';
import { PacketElement } from './packet';

/** Deeper than any packet a billing system sends (hosting settings reach 7 levels). */
export const MAX_PACKET_DEPTH = 16;
/** Far more elements than a packet of many operations needs; bounds the work one request costs. */
export const MAX_PACKET_ELEMENTS = 5_000;

/** Why a packet could not be read: Plesk's 1014, with a reason a person can act on. */
export class UnreadablePacket extends Error {}

/**
 * Reads a request packet with saxes, a strict XML 1.0 parser: anything not well-formed is refused.
 * saxes never reads external resources and never expands entities a DTD declares; on top of that
 * a DOCTYPE is refused outright, so no DTD is even looked at. Depth and element count are capped
 * while reading, before a hostile packet can build a large tree.
 */
export function readPacket(xml: string): PacketElement {
  const parser = new SaxesParser({ position: false });
  const root: PacketElement = { name: '', children: [], text: '', attributes: {} };
  const open: PacketElement[] = [root];
  let elements = 0;
  parser.on('doctype', () => {
    throw new UnreadablePacket('DTDs are not accepted (no DOCTYPE, no entities).');
  });
  parser.on('opentag', (tag) => {
    elements += 1;
    if (elements > MAX_PACKET_ELEMENTS)
      throw new UnreadablePacket(`The packet has more than ${MAX_PACKET_ELEMENTS} elements.`);
    if (open.length > MAX_PACKET_DEPTH)
      throw new UnreadablePacket(`The packet is nested deeper than ${MAX_PACKET_DEPTH} levels.`);
    const element: PacketElement = {
      name: tag.name,
      children: [],
      text: '',
      attributes: tag.attributes as Record<string, string>,
    };
    open[open.length - 1].children.push(element);
    open.push(element);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  const addText = (text: string) => {
    open[open.length - 1].text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof UnreadablePacket) throw error;
    throw new UnreadablePacket(`The packet is not well-formed XML: ${(error as Error).message}`);
  }
  const packet = root.children[0];
  if (packet?.name !== 'packet') throw new UnreadablePacket('The root element must be <packet>.');
  return packet;
}

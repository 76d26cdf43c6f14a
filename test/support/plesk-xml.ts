import { readPacket } from '../../src/plesk/xml/packet-reader';
import { PacketElement } from '../../src/plesk/xml/packet';
import { TestApp } from './app';
import { ADMIN } from './database';

export const AGENT_PATH = '/enterprise/control/agent.php';

/** An administrator's credentials the way Plesk clients send them: headers with underscores. */
export const adminHeaders = (login = ADMIN.username, password = ADMIN.password) => ({
  HTTP_AUTH_LOGIN: login,
  HTTP_AUTH_PASSWD: password,
});

/**
 * An answer as a tree of element names, in order: an element with children is an array of
 * `[name, tree]`, one without is its text. `toEqual` on it checks names, order and nesting at once.
 */
export type AnswerTree = string | Array<[string, AnswerTree]>;

export function treeOf(element: PacketElement): AnswerTree {
  if (element.children.length === 0) return element.text;
  return element.children.map((child) => [child.name, treeOf(child)]);
}

export interface AgentAnswer {
  status: number;
  contentType: string;
  xml: string;
  packet: PacketElement;
  tree: AnswerTree;
}

/** Sends a packet as WHMCS, Blesta and api-php-lib do: POST, text/xml, credentials in headers. */
export async function sendPacket(
  test: TestApp,
  body: string,
  headers: Record<string, string> = adminHeaders(),
  contentType = 'text/xml',
): Promise<AgentAnswer> {
  const response = await test
    .http()
    .post(AGENT_PATH)
    .set({ ...headers, 'Content-Type': contentType })
    .send(body);
  const xml = response.text;
  const packet = readPacket(xml);
  return {
    status: response.status,
    contentType: String(response.headers['content-type']),
    xml,
    packet,
    tree: treeOf(packet),
  };
}

/** A packet of the given protocol version around `operators`. */
export const packet = (operators: string, version = '1.6.3.0') =>
  `<?xml version="1.0" encoding="UTF-8"?><packet version="${version}">${operators}</packet>`;

/** The `<result>` elements under `operator/operation`, in order. */
export function resultsOf(answer: AgentAnswer, operator: string, operation: string): AnswerTree[] {
  const op = answer.packet.children.find((child) => child.name === operator);
  const element = op?.children.find((child) => child.name === operation);
  if (!element) throw new Error(`no ${operator}/${operation} in ${answer.xml}`);
  return element.children.filter((child) => child.name === 'result').map(treeOf);
}

/** The text of the first element at `path` (names separated by "/"), under a result tree. */
export function textAt(tree: AnswerTree, path: string): string | undefined {
  let current: AnswerTree | undefined = tree;
  for (const name of path.split('/')) {
    if (!Array.isArray(current)) return undefined;
    current = current.find(([child]) => child === name)?.[1];
  }
  return typeof current === 'string' ? current : undefined;
}

/** Plesk's `<system>` error of a packet that could not run. */
export const systemError = (code: number) => [
  [
    'system',
    [
      ['status', 'error'],
      ['errcode', String(code)],
      ['errtext', expectAnyString()],
    ],
  ],
];

const expectAnyString = () => expect.any(String) as unknown as string;

/** A failed operation's result: status, errcode, errtext, then `rest` (filter-id...). */
export const errorResult = (code: number, ...rest: Array<[string, AnswerTree]>) => [
  ['status', 'error'],
  ['errcode', String(code)],
  ['errtext', expectAnyString()],
  ...rest,
];

let tags = 0;
/** A unique login and everything else a customer add needs. */
export function customerGenInfo(overrides: Record<string, string> = {}): Record<string, string> {
  tags += 1;
  const tag = `x${process.env.JEST_WORKER_ID ?? 1}n${tags}${Math.random().toString(36).slice(2, 6)}`;
  return {
    pname: `Xml ${tag}`,
    login: `xml${tag}`,
    passwd: 'a-good-password-1',
    email: `xml${tag}@example.com`,
    ...overrides,
  };
}

export const elements = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('');

/** The first `<result>` of every operation of the answer, in packet order. */
export const operationResults = (answer: AgentAnswer): AnswerTree[] =>
  answer.packet.children.flatMap((operator) =>
    operator.children.map((operation) => treeOf(operation.children[0])),
  );

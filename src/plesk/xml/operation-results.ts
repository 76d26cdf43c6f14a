import { AgentError, AGENT_ERROR, asAgentError, FieldNames } from './agent-errors';
import { AnswerNode, childOf, node, PacketElement } from './packet';

/** What every operation gets: who calls, from where, and the operation's element. */
export interface OperationCall {
  operation: PacketElement;
  clientIp: string;
  host: string;
}

export const okResult = (...nodes: AnswerNode[]): AnswerNode =>
  node('result', [node('status', 'ok'), ...nodes]);

/** Plesk's failed operation: status, errcode and errtext first, then what identifies the object. */
export function errorResult(
  error: unknown,
  fields: FieldNames,
  ...nodes: AnswerNode[]
): AnswerNode {
  const { code, message } = asAgentError(error, fields);
  return node('result', [
    node('status', 'error'),
    node('errcode', code),
    node('errtext', message),
    ...nodes,
  ]);
}

/** One value of a `<filter>`: `<login>jdoe</login>` is `{field: 'login', value: 'jdoe'}`. */
export interface FilterValue {
  field: string;
  value: string;
}

/**
 * The values of the operation's `<filter>`, or 'all' for an empty one. Only `get` may list
 * everything: an empty filter on set or del would change every object, which no billing system
 * means to do, so it is refused.
 */
export function filterOf(
  operation: PacketElement,
  allowed: readonly string[],
  emptyMeansAll: boolean,
): FilterValue[] | 'all' {
  const filter = childOf(operation, 'filter');
  if (!filter)
    throw new AgentError(AGENT_ERROR.parseError, `<${operation.name}> needs a <filter>.`);
  if (filter.children.length === 0) {
    if (emptyMeansAll) return 'all';
    throw new AgentError(
      AGENT_ERROR.invalidValue,
      `An empty <filter> would ${operation.name} every object: name them.`,
    );
  }
  return filter.children.map((child) => {
    if (!allowed.includes(child.name))
      throw new AgentError(
        AGENT_ERROR.parseError,
        `<filter> accepts ${allowed.join(', ')}, not <${child.name}>.`,
      );
    return { field: child.name, value: child.text.trim() };
  });
}

/**
 * One `<result>` per filter value, in the order given, failures beside successes: each value is
 * its own call of the service (its own transaction), so one refusal leaves the others done.
 * `run` answers the nodes after `<filter-id>`, one list per object the value names.
 */
export async function resultPerValue(
  values: FilterValue[],
  fields: FieldNames,
  run: (value: FilterValue) => Promise<AnswerNode[][]>,
): Promise<AnswerNode[]> {
  const results: AnswerNode[] = [];
  for (const value of values) {
    const filterId = node('filter-id', value.value);
    try {
      // In order and one at a time: a packet's operations are a sequence, as Plesk runs them.
      const objects = await run(value);
      results.push(...objects.map((nodes) => okResult(filterId, ...nodes)));
    } catch (error) {
      results.push(errorResult(error, fields, filterId));
    }
  }
  return results;
}

/** A positive integer id, as a filter or owner-id gives it. */
export function idIn(value: string, field: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 4_294_967_295)
    throw new AgentError(AGENT_ERROR.invalidValue, `${field} must be a positive integer.`);
  return Number(value);
}

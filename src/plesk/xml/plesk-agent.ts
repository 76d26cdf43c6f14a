import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { AgentAuthentication, AgentCaller } from './agent-authentication';
import { AGENT_ERROR, AgentError, asAgentError } from './agent-errors';
import { AgentOperator } from './agent-operator';
import { CustomerOperator } from './customer.operator';
import { errorResult } from './operation-results';
import { AnswerNode, node, PacketElement, writeAnswer } from './packet';
import { readPacket, UnreadablePacket } from './packet-reader';
import { SecretKeyOperator } from './secret-key.operator';
import { NEWEST_PROTOCOL, ServerOperator } from './server.operator';
import { WebspaceOperator } from './webspace.operator';

/** Plesk accepts the 1.4.x to 1.6.x protocols; a packet without a version speaks the newest. */
const SUPPORTED_VERSION = /^1\.[456](\.\d{1,3}){1,2}$/;

/** The request as agent.php sees it. */
export interface AgentRequest {
  body: unknown;
  headers: IncomingHttpHeaders;
  clientIp: string;
  host: string;
}

/**
 * `POST /enterprise/control/agent.php`: reads a packet, authenticates its sender, runs its
 * operations in order through the operators and answers the packet that mirrors it. Every
 * answer is XML; a packet that cannot run at all answers `<system>`.
 */
@Injectable()
export class PleskAgent {
  private readonly operators: Map<string, AgentOperator>;

  constructor(
    private readonly authentication: AgentAuthentication,
    server: ServerOperator,
    customer: CustomerOperator,
    webspace: WebspaceOperator,
    secretKey: SecretKeyOperator,
  ) {
    this.operators = new Map(
      [server, customer, webspace, secretKey].map((operator) => [operator.name, operator]),
    );
  }

  async answer(request: AgentRequest): Promise<string> {
    let version: string = NEWEST_PROTOCOL;
    try {
      if (typeof request.body !== 'string' || request.body.trim() === '')
        throw new AgentError(AGENT_ERROR.parseError, 'Send one <packet> as text/xml.');
      const packet = readPacket(request.body);
      version = packet.attributes.version ?? NEWEST_PROTOCOL;
      if (!SUPPORTED_VERSION.test(version)) {
        const asked = version;
        version = NEWEST_PROTOCOL;
        throw new AgentError(
          AGENT_ERROR.unsupportedVersion,
          `Protocol version ${asked} is not supported: use 1.4.x to 1.6.x.`,
        );
      }
      this.assertRunnable(packet);
      const caller = await this.authentication.authenticate(request.headers, request.clientIp);
      const operators: AnswerNode[] = [];
      // One after another, in the packet's order: a later operation may use what an earlier made.
      for (const element of packet.children)
        operators.push(await this.runOperator(element, caller, request));
      return writeAnswer(node('packet', operators, { version }));
    } catch (error) {
      return systemError(
        error instanceof UnreadablePacket
          ? new AgentError(AGENT_ERROR.parseError, error.message)
          : asAgentError(error),
        version,
      );
    }
  }

  /** Every operator and operation known before anything runs: a packet naming an unknown one runs nothing. */
  private assertRunnable(packet: PacketElement): void {
    if (packet.children.length === 0)
      throw new AgentError(AGENT_ERROR.parseError, 'The packet holds no operator.');
    for (const element of packet.children) {
      const operator = this.operators.get(element.name);
      if (!operator)
        throw new AgentError(
          AGENT_ERROR.parseError,
          `Unknown operator <${element.name}>: clientele speaks ${[...this.operators.keys()].join(', ')}.`,
        );
      if (element.children.length === 0)
        throw new AgentError(AGENT_ERROR.parseError, `<${element.name}> holds no operation.`);
      for (const operation of element.children)
        if (!Object.hasOwn(operator.operations, operation.name))
          throw new AgentError(
            AGENT_ERROR.parseError,
            `Unknown operation <${element.name}><${operation.name}>.`,
          );
    }
  }

  private async runOperator(
    element: PacketElement,
    caller: AgentCaller,
    request: AgentRequest,
  ): Promise<AnswerNode> {
    const operator = this.operators.get(element.name)!;
    const answers: AnswerNode[] = [];
    for (const operation of element.children) {
      let results: AnswerNode[];
      try {
        if (caller.readOnly && !operator.reads.includes(operation.name))
          throw new AgentError(
            AGENT_ERROR.permissionDenied,
            `This API key is read-only: it may not ${element.name} ${operation.name}.`,
          );
        results = await operator.operations[operation.name](caller.principal, {
          operation,
          clientIp: request.clientIp,
          host: request.host,
        });
      } catch (error) {
        results = [errorResult(error, operator.fields)];
      }
      answers.push(node(operation.name, results));
    }
    return node(element.name, answers);
  }
}

/** The answer to a packet that cannot run at all: Plesk's `<system>` error. */
export function systemError(
  { code, message }: AgentError,
  version: string = NEWEST_PROTOCOL,
): string {
  return writeAnswer(
    node(
      'packet',
      [node('system', [node('status', 'error'), node('errcode', code), node('errtext', message)])],
      { version },
    ),
  );
}

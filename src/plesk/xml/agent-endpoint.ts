import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AGENT_ERROR, AgentError } from './agent-errors';
import { PleskAgent, systemError } from './plesk-agent';

/** Where Plesk serves its XML API, and so where billing systems send packets. */
export const AGENT_PATH = '/enterprise/control/agent.php';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A body that arrived whole but cannot be a packet; answered as Plesk's 1014. */
class UnreadableBody extends Error {
  readonly statusCode = 400;
}

const answerXml = (reply: FastifyReply, xml: string) =>
  reply
    .status(200)
    .headers({
      'Content-Type': 'text/xml; charset=UTF-8',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    })
    .send(xml);

/**
 * Serves agent.php as a plain Fastify route in its own plugin scope, so that its XML body parser
 * (text/xml and application/xml, at most `bodyLimit` bytes like every body) serves this route only
 * and the JSON API keeps refusing XML. It is no JSON API: it stays out of the OpenAPI document and
 * answers every error itself, always HTTP 200 with Plesk's `<system>` error, as Plesk does, even
 * for a body over the limit.
 */
export async function servePleskXmlApi(
  app: NestFastifyApplication,
  bodyLimit: number,
): Promise<void> {
  const agent = agentOf(app);
  // A process without the API (PROCESS_ROLE=worker) serves no /api/v1, and no agent.php either.
  if (!agent) return;
  await app.register(async (scope: FastifyInstance) => {
    scope.addContentTypeParser(
      ['text/xml', 'application/xml'],
      { parseAs: 'buffer', bodyLimit },
      (_request, body, done) => {
        // Refused rather than read with U+FFFD in place of the bad bytes, as JSON bodies are.
        try {
          done(null, UTF8.decode(body as Buffer));
        } catch {
          done(new UnreadableBody('The packet is not valid UTF-8.'), undefined);
        }
      },
    );
    scope.post(AGENT_PATH, {
      // What fails before the agent runs: reading the body (1014), or anything else (1023;
      // the agent itself answers every error of a packet).
      errorHandler: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
        const unread = error instanceof UnreadableBody || (error.statusCode ?? 500) < 500;
        const reason =
          error instanceof UnreadableBody
            ? error.message
            : error.statusCode === 413
              ? `The packet is larger than ${bodyLimit} bytes.`
              : unread
                ? 'The packet could not be read.'
                : 'The packet could not be run; try again later.';
        const code = unread ? AGENT_ERROR.parseError : AGENT_ERROR.operationFailed;
        return answerXml(reply, systemError(new AgentError(code, reason)));
      },
      handler: async (request, reply) =>
        answerXml(
          reply,
          await agent.answer({
            body: request.body,
            headers: request.headers,
            clientIp: request.ip,
            host: request.hostname,
          }),
        ),
    });
  });
}

/** The agent of an application that has the API's modules; undefined for a worker. */
function agentOf(app: NestFastifyApplication): PleskAgent | undefined {
  try {
    return app.get(PleskAgent);
  } catch {
    return undefined;
  }
}

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { BadRequest } from './domain-errors';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

interface NodeAnswer {
  status: number;
  reason: string;
  slug: string;
  detail: string;
}

const BAD_REQUEST: NodeAnswer = {
  status: 400,
  reason: 'Bad Request',
  slug: 'bad-request',
  detail: 'The request line or headers are not valid HTTP/1.1.',
};

/** By the code of Node's error; anything else the parser refuses is a 400. */
const ANSWERS: Record<string, NodeAnswer> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    slug: 'request-header-fields-too-large',
    detail: 'The request line and headers are larger than the limit of 16 KB.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    reason: 'Request Timeout',
    slug: 'request-timeout',
    detail: 'The request was not received in time.',
  },
};

const EXPECTATION_FAILED: NodeAnswer = {
  status: 417,
  reason: 'Expectation Failed',
  slug: 'expectation-failed',
  detail: 'Only "Expect: 100-continue" is understood.',
};

function problemBody({ status, reason, slug, detail }: NodeAnswer): string {
  return JSON.stringify({ type: `/problems/${slug}`, title: `${reason}.`, status, detail });
}

const HEADERS = (body: string) => ({
  'Content-Type': PROBLEM_CONTENT_TYPE,
  'Content-Length': String(Buffer.byteLength(body)),
  'X-Content-Type-Options': 'nosniff',
  Connection: 'close',
});

/**
 * Errors Node's HTTP parser meets before Fastify sees a request (a URL over 16 KB, an unknown
 * method such as FOO, a malformed header) are answered by Node with a bare status line unless a
 * `clientError` listener takes over; Fastify's would answer them as its own JSON. This one (Fastify's
 * `clientErrorHandler`) answers them as problem details and closes the connection, as Node would.
 * A socket that already carries a response, or is no longer writable, is only destroyed: nothing
 * can be said on it any more.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: unknown })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const answer = ANSWERS[error.code ?? ''] ?? BAD_REQUEST;
  const body = problemBody(answer);
  const head = Object.entries(HEADERS(body))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(`HTTP/1.1 ${answer.status} ${answer.reason}\r\n${head}\r\n${body}`);
}

/**
 * The two errors Node answers through a response rather than `clientError` (an unknown `Expect`,
 * a missing Host) are taken over too: the first here, the second by `requireHost`.
 */
export function prepareNodeServer(server: Server): void {
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = problemBody(EXPECTATION_FAILED);
    response.writeHead(EXPECTATION_FAILED.status, HEADERS(body)).end(body);
  });
  // HTTP/1.1 without Host: Node would answer a bare 400; `requireHost` below answers instead.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
}

/** Refuses an HTTP/1.1 request without a Host header (RFC 9112), as Node would, but as a problem. */
export function requireHost(
  request: FastifyRequest,
  _reply: unknown,
  done: (error?: Error) => void,
): void {
  if (request.raw.httpVersion === '1.1' && !request.headers.host) {
    return done(new BadRequest('An HTTP/1.1 request must have a Host header.'));
  }
  done();
}

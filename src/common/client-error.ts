import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { BadRequest } from './domain-errors';
import type { Duplex } from 'node:stream';
import { PROBLEM_CONTENT_TYPE } from './problem-details';

/** Node's parser error codes that mean a request head larger than `maxHeaderSize` (16 KB). */
const HEADER_TOO_LARGE = new Set(['HPE_HEADER_OVERFLOW']);
const TIMED_OUT = new Set(['ERR_HTTP_REQUEST_TIMEOUT']);

interface ClientError extends Error {
  code?: string;
}

function answerFor(error: ClientError): { status: number; reason: string; detail: string } {
  if (error.code && HEADER_TOO_LARGE.has(error.code))
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      detail: 'The request line and headers are larger than the limit of 16 KB.',
    };
  if (error.code && TIMED_OUT.has(error.code))
    return {
      status: 408,
      reason: 'Request Timeout',
      detail: 'The request was not received in time.',
    };
  return {
    status: 400,
    reason: 'Bad Request',
    detail: 'The request line or headers are not valid HTTP/1.1.',
  };
}

const SLUG: Record<number, string> = {
  400: 'bad-request',
  408: 'request-timeout',
  417: 'expectation-failed',
  431: 'request-header-fields-too-large',
};

function problemBody(status: number, reason: string, detail: string): string {
  return JSON.stringify({ type: `/problems/${SLUG[status]}`, title: `${reason}.`, status, detail });
}

/**
 * Errors Node's HTTP parser meets before Express sees a request (a URL over 16 KB, an unknown
 * method such as FOO, a malformed header) are answered by Node with a bare status line unless a
 * `clientError` listener takes over. This one answers them as problem details and closes the
 * connection, as Node would. A socket that already carries a response, or is no longer writable,
 * is only destroyed: nothing can be said on it any more. The two errors Node answers through a
 * response rather than `clientError` (an unknown `Expect`, a missing Host) are taken over too.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: ClientError, socket: Duplex) => {
    const inUse = (socket as Duplex & { _httpMessage?: unknown })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inUse) {
      socket.destroy();
      return;
    }
    const { status, reason, detail } = answerFor(error);
    const body = problemBody(status, reason, detail);
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\n` +
        `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
  // An `Expect` other than 100-continue: Node would answer a bare 417 itself.
  server.on('checkExpectation', (_request: IncomingMessage, response: ServerResponse) => {
    const body = problemBody(
      417,
      'Expectation Failed',
      'Only "Expect: 100-continue" is understood.',
    );
    response.writeHead(417, {
      'Content-Type': PROBLEM_CONTENT_TYPE,
      'Content-Length': Buffer.byteLength(body),
      'X-Content-Type-Options': 'nosniff',
      Connection: 'close',
    });
    response.end(body);
  });
  // HTTP/1.1 without Host: Node would answer a bare 400; `requireHost` below answers instead.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
}

/** Refuses an HTTP/1.1 request without a Host header (RFC 9112), as Node would, but as a problem. */
export function requireHost(request: Request, _response: Response, next: NextFunction): void {
  if (request.httpVersion === '1.1' && !request.headers.host) {
    return next(new BadRequest('An HTTP/1.1 request must have a Host header.'));
  }
  next();
}

import { AddressInfo, connect } from 'node:net';
import { startTestApp, TestApp } from './support/app';

/** Raw HTTP/1.1 on a socket: what Node's parser refuses before Fastify sees the request. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('errors that Node answers before Fastify', () => {
  let test: TestApp;
  let port: number;

  beforeAll(async () => {
    test = await startTestApp();
    await test.app.listen(0, '127.0.0.1');
    port = (test.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => test?.close());

  it.each([
    [
      'a URL over 16 KB',
      `GET /api/v1/customers?q=${'x'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
    ],
    ['an unknown method', 'FOO /api/v1/customers HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a malformed header', 'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400],
    ['a request line that is not HTTP', 'HELLO\r\n\r\n', 400],
    [
      'an HTTP/1.1 request without Host',
      'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n',
      400,
    ],
    [
      'an Expect other than 100-continue',
      'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: tea\r\n\r\n',
      417,
    ],
  ])('answers %s with problem details', async (_, head, status) => {
    const answer = await rawRequest(port, head);
    const [headers, body] = answer.split('\r\n\r\n');
    expect(headers).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(headers).toMatch(/\r\nContent-Type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({
      status,
      type: expect.stringMatching(/^\/problems\//),
    });
  });

  it("keeps Node's limits on slow requests (Fastify would turn the request timeout off)", () => {
    // A request whose headers and body take longer is answered 408 (see the handler).
    const server = test.app.getHttpServer();
    expect(server.requestTimeout).toBe(300_000);
    expect(server.headersTimeout).toBe(60_000);
  });
});

import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import fastify from 'fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { requestScope } from '../src/common/request-scope';
import { ROOT_LOGGER } from '../src/core.module';
import { startTestApp } from './support/app';

describe('a line written while a request runs', () => {
  it("carries that request's reqId, like the request's own line", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logStream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const test = await startTestApp({ LOG_LEVEL: 'debug', NODE_ENV: 'production' }, { logStream });
    // As main.ts does: Nest's loggers write through pino. (nestjs-pino keeps the first root logger
    // of a process: this spec file starts no other application.) A route of its own, served through the
    // same request scope, writes a line through a Nest logger while it runs.
    test.app.useLogger(test.app.get(PinoNestLogger));
    const server = fastify();
    try {
      requestScope(server, test.app.get(ROOT_LOGGER), test.orm);
      server.get('/inside', async () => {
        await new Promise((resolve) => setImmediate(resolve));
        new Logger('Inside').log('written inside the request');
        return {};
      });
      for (let i = 0; i < 2; i += 1) await server.inject({ url: '/inside' });
      new Logger('Outside').log('written outside any request');

      const requestIds = lines
        .filter((line) => line.msg === 'request completed')
        .map((line) => line.reqId);
      const inside = lines.filter((line) => line.msg === 'written inside the request');
      expect(requestIds).toHaveLength(2);
      expect(inside.map((line) => line.reqId)).toEqual(requestIds);
      expect(lines.find((line) => line.msg === 'written outside any request')).not.toHaveProperty(
        'reqId',
      );
    } finally {
      await server.close();
      await test.close();
    }
  });
});

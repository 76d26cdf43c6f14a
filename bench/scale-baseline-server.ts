import http from 'node:http';
import { RowDataPacket } from 'mysql2/promise';
import { SESSION_LOOKUP_SQL } from '../src/auth/sessions.service';
import { sha256 } from '../src/auth/session-tokens';
import {
  customerByIdSql,
  customerListPage,
  customerListSql,
} from '../src/customers/customer-read.sql';
import { ListCustomersQuery } from '../src/customers/dto/list-customers.query';
import { CustomerDetailRow, detailViewOfRow } from '../src/hosting/customer.rows';
import { mysqlPool } from './mysql-pool';

/**
 * The scale bench's baseline: plain `node:http` and `mysql2`, no framework, sending for each read
 * exactly the app's SQL (the same builders and row mapper, imported from src/, so they cannot
 * drift): the session lookup of the bearer token, then the read's one statement. It answers the
 * same JSON, byte for byte, and nothing else: no validation, logging, metrics or headers beyond
 * Content-Type. Started by bench/scale.ts with DATABASE_URL and PORT; prints "listening <port>".
 */
const pool = mysqlPool(process.env.DATABASE_URL ?? '', {
  connectionLimit: Number(process.env.DATABASE_POOL_MAX ?? 10),
  timezone: 'Z',
  charset: 'utf8mb4',
  supportBigNumbers: true,
});

async function answer(request: http.IncomingMessage): Promise<[number, unknown]> {
  const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return [401, { status: 401 }];
  const [sessions] = await pool.query<RowDataPacket[]>(SESSION_LOOKUP_SQL, [sha256(token)]);
  if (sessions.length === 0) return [401, { status: 401 }];
  const url = new URL(request.url ?? '/', 'http://baseline');
  const one = /^\/api\/v1\/customers\/(\d+)$/.exec(url.pathname);
  if (one) {
    const statement = customerByIdSql(Number(one[1]));
    const [rows] = await pool.query<RowDataPacket[]>(statement.sql, statement.params);
    if (rows.length === 0) return [404, { status: 404 }];
    return [200, detailViewOfRow(rows[0] as CustomerDetailRow)];
  }
  if (url.pathname !== '/api/v1/customers') return [404, { status: 404 }];
  const query = { limit: Number(url.searchParams.get('limit') ?? 50) } as ListCustomersQuery;
  for (const key of ['status', 'q', 'cursor', 'suspendedBefore'] as const) {
    const value = url.searchParams.get(key);
    if (value !== null) Object.assign(query, { [key]: value });
  }
  const statement = customerListSql(query);
  if (statement === null) return [200, { items: [], nextCursor: null }];
  const [rows] = await pool.query<RowDataPacket[]>(statement.sql, statement.params);
  return [200, customerListPage(rows as CustomerDetailRow[], query)];
}

const server = http.createServer((request, response) => {
  answer(request).then(
    ([status, body]) => {
      response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    },
    (error: unknown) => {
      response.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ status: 500, detail: String(error) }));
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as { port: number }).port}\n`);
});

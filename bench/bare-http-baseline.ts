import http from 'node:http';
import { Pool, RowDataPacket } from 'mysql2/promise';
import { MESSAGE_COLUMNS, messageBody } from '../src/webhooks/delivery/deliveries';

/**
 * The webhook bench's baseline, measured in the same run: the same message bodies POSTed to the
 * same consumer by one plain Node process with a keep-alive agent (64 sockets, 64 requests in
 * flight), and nothing else: no signing, queue, database or second process. Its events per second
 * are what this machine's loopback HTTP allows one process at the moment, so the delivery figures
 * can be read against the machine's speed rather than alone.
 */
export async function bareHttpEventsPerSecond(
  pool: Pool,
  url: string,
  fromEventId: number,
): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${MESSAGE_COLUMNS} FROM outbox_event o WHERE o.id >= ? ORDER BY o.id`,
    [fromEventId],
  );
  const bodies = rows.map((row) => messageBody(row as Parameters<typeof messageBody>[0]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const post = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const body = bodies[index];
      const request = http.request(target, {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'webhook-id': `bare-${index}`,
          'content-length': String(Buffer.byteLength(body)),
        },
      });
      request.on('error', reject);
      request.on('response', (response) => {
        response.resume();
        response.on('end', resolve);
      });
      request.end(body);
    });
  let next = 0;
  const lane = async () => {
    while (next < bodies.length) await post(next++);
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: 64 }, lane));
  const elapsed = Date.now() - started;
  agent.destroy();
  return Math.round((bodies.length / Math.max(1, elapsed)) * 1000);
}

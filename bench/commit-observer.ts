import { Connection, ConnectionOptions, createConnection, RowDataPacket } from 'mysql2/promise';

const POLL_MS = 5;

/**
 * Tells when outbox events committed, from outside the service: a connection of its own asks every
 * 5 ms for rows it has not seen (autocommit, so each poll reads what has committed by its start).
 * A row first seen by one poll committed after the previous poll began, so that start is taken as
 * its commit time: never later than the true commit, by at most one poll interval plus a query.
 *
 * Rows are asked for above the highest id seen, which holds because the bench's events are written
 * by one bulk job whose chunks commit in id order; a row that committed out of order would have no
 * time, and the bench fails on it rather than guess.
 */
export class CommitObserver {
  private readonly seen = new Map<string, number>();
  private highest = 0n;
  private running = true;
  private readonly loop: Promise<void>;

  private constructor(private readonly connection: Connection) {
    this.loop = this.poll();
  }

  static async start(options: ConnectionOptions): Promise<CommitObserver> {
    const connection = await createConnection({ ...options, supportBigNumbers: true });
    const [[row]] = await connection.query<RowDataPacket[]>(
      'SELECT CAST(COALESCE(MAX(id), 0) AS CHAR) AS id FROM outbox_event',
    );
    const observer = new CommitObserver(connection);
    observer.highest = BigInt(row.id as string);
    return observer;
  }

  /** The latest time the event can have committed at (epoch ms), once a poll has seen it. */
  committedBy(eventId: string): number | undefined {
    return this.seen.get(eventId);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.connection.end();
  }

  private async poll(): Promise<void> {
    let previousStart = Date.now();
    while (this.running) {
      const start = Date.now();
      const [rows] = await this.connection.query<RowDataPacket[]>(
        'SELECT CAST(id AS CHAR) AS id FROM outbox_event WHERE id > ? ORDER BY id',
        [this.highest.toString()],
      );
      for (const row of rows) {
        this.seen.set(row.id as string, previousStart);
        const id = BigInt(row.id as string);
        if (id > this.highest) this.highest = id;
      }
      previousStart = start;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

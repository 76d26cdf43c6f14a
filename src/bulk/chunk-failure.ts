/**
 * Why a chunk failed, as the database driver said it: MariaDB's error code name, number, SQLSTATE
 * and message. MikroORM's exceptions carry these fields copied from mysql2's error, while their
 * `message` starts with the statement (`insert into ... - Duplicate entry ...`); recording that
 * message cut to a column's width kept the statement and lost the cause.
 */
export interface ChunkFailureCause {
  /** The driver's code name, e.g. `ER_SIGNAL_EXCEPTION`, `ER_DUP_ENTRY`; null for an error that did not come from the driver. */
  code: string | null;
  /** MariaDB's error number, e.g. 1644, 1062. */
  errno: number | null;
  /** The SQLSTATE, e.g. `45000`, `23000`. */
  sqlState: string | null;
  /** The server's message in full (MariaDB's messages are at most 512 bytes); for other errors, their message. */
  message: string;
}

/** An error that did not come from the driver is recorded with this much of its message. */
const OTHER_MESSAGE_LIMIT = 2000;

interface DriverFields {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  sqlMessage?: unknown;
}

/** The driver's fields of `error` or of the first error in its `cause` chain that has them. */
export function failureCauseOf(error: unknown): ChunkFailureCause {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
    const fields = current as DriverFields;
    if (typeof fields.errno === 'number' || typeof fields.sqlState === 'string')
      return {
        code: typeof fields.code === 'string' ? fields.code : null,
        errno: typeof fields.errno === 'number' ? fields.errno : null,
        sqlState: typeof fields.sqlState === 'string' ? fields.sqlState : null,
        message: typeof fields.sqlMessage === 'string' ? fields.sqlMessage : current.message,
      };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: null,
    errno: null,
    sqlState: null,
    message: message.slice(0, OTHER_MESSAGE_LIMIT),
  };
}

/** One line for the log: `ER_SIGNAL_EXCEPTION (errno 1644, SQLSTATE 45000): storage quota exceeded`. */
export function describeCause(cause: ChunkFailureCause): string {
  if (cause.code === null && cause.errno === null && cause.sqlState === null) return cause.message;
  return `${cause.code ?? 'driver error'} (errno ${cause.errno ?? '?'}, SQLSTATE ${cause.sqlState ?? '?'}): ${cause.message}`;
}

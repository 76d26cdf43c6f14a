/** Raw queries return DATETIME(3) as `YYYY-MM-DD HH:MM:SS.mmm` in UTC (the connection's time zone). */
export function fromSqlDate(value: Date | string | null): Date | null {
  if (value === null) return null;
  if (value instanceof Date) return value;
  return new Date(value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);
}

/** The reverse, for parameters of raw statements. */
export function toSqlDate(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

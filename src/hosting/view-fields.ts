/**
 * A view defined once, field by field: how TypeScript reads each field from the entity, and the
 * SQL expression that builds the same value from a row inside a set-based statement (events of a
 * cascade over thousands of rows are written by `INSERT ... SELECT`). The mapped type makes every
 * property of the view class (whose `@ApiProperty` metadata is also the JSON Schema of events)
 * need both, so the TypeScript view, the SQL twin and the schema cannot drift apart.
 */
export type ViewFields<Entity, View, Row> = {
  [Field in keyof View]-?: {
    read: (entity: Entity) => View[Field];
    sql: (row: Row) => string;
  };
};

/** The row a SQL view is built from, with the reasons and `updated_at` it has after the change. */
export interface ChangedRow {
  /** The table alias (`s`, `d`). */
  alias: string;
  /** The reasons bit set after the change (an SQL expression). */
  reasons: string;
  /** The `updated_at` after the change (an SQL expression). */
  updatedAt: string;
}

/** The view of one entity, field by field. */
export function readView<Entity, View, Row>(
  fields: ViewFields<Entity, View, Row>,
  entity: Entity,
): View {
  const view: Partial<View> = {};
  for (const field of Object.keys(fields) as Array<keyof View>)
    view[field] = fields[field].read(entity);
  return view as View;
}

/** The same view as a `JSON_OBJECT(...)` expression over a row. */
export function viewSql<Entity, View, Row>(
  fields: ViewFields<Entity, View, Row>,
  row: Row,
): string {
  return jsonObjectSql(
    Object.fromEntries(
      (Object.keys(fields) as Array<keyof View & string>).map((field) => [
        field,
        fields[field].sql(row),
      ]),
    ),
  );
}

/**
 * `JSON_OBJECT('key', expression, ...)`. Typed by the object it builds (`jsonObjectSql<Payload>`)
 * so that an SQL payload names exactly the keys of its TypeScript class. Keys are ours, never input.
 */
export function jsonObjectSql<Shape>(expressions: { [Key in keyof Shape]-?: string }): string {
  const pairs = Object.entries<string>(expressions).map(([key, expression]) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new Error(`not a JSON key we write: ${key}`);
    return `'${key}', ${expression}`;
  });
  return `JSON_OBJECT(${pairs.join(', ')})`;
}

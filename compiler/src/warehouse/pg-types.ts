// Type OIDs → names for QueryResult.fields, shared by the pg and PGlite drivers.
const TYPE_NAMES: Record<number, string> = {
  16: "bool",
  17: "bytea",
  18: "char",
  19: "name",
  20: "int8",
  21: "int2",
  23: "int4",
  25: "text",
  26: "oid",
  114: "json",
  700: "float4",
  701: "float8",
  1042: "bpchar",
  1043: "varchar",
  1082: "date",
  1083: "time",
  1114: "timestamp",
  1184: "timestamptz",
  1186: "interval",
  1266: "timetz",
  1700: "numeric",
  2950: "uuid",
  3802: "jsonb",
};

export function typeName(oid: number): string | undefined {
  return TYPE_NAMES[oid];
}

/**
 * bigint values (count(*), sum of integers) come back as numbers when exact, as PGlite does, so
 * rows read the same on both engines; beyond 2^53 they stay strings rather than lose digits.
 */
export function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

// Cross-dialect SQL helpers: `${dialect.dateAdd("day", 7, "order_date")}` in SQLX emits PostgreSQL
// (PGlite, Aurora) or Trino (Athena) SQL for the warehouse the project is compiled for. Models that
// use these helpers instead of engine-specific syntax compile for both; README "Athena" lists the
// differences they cover.
//
// The warehouse is read at call time from `dataform.projectConfig.warehouse` ("athena" → Trino SQL,
// anything else → PostgreSQL), so one set of includes serves every target.

/* global dataform */

const UNITS = ["second", "minute", "hour", "day", "week", "month", "quarter", "year"];

/** "athena" or "postgres": the dialect the current compilation emits. */
function name() {
  const config = typeof dataform !== "undefined" && dataform && dataform.projectConfig ? dataform.projectConfig : {};
  const warehouse = String(config.warehouse || "postgres").toLowerCase();
  return warehouse === "athena" || warehouse === "trino" || warehouse === "presto" ? "athena" : "postgres";
}

function isAthena() {
  return name() === "athena";
}

function checkUnit(unit) {
  const u = String(unit).toLowerCase();
  if (!UNITS.includes(u)) throw new Error(`dialect: unknown date unit "${unit}" (use one of ${UNITS.join(", ")})`);
  return u;
}

/** A literal interval of `n` units: PostgreSQL `interval '3 day'`, Trino `interval '3' day`. */
function interval(n, unit) {
  const u = checkUnit(unit);
  if (isAthena()) {
    if (u === "week") return `interval '${7 * Number(n)}' day`;
    if (u === "quarter") return `interval '${3 * Number(n)}' month`;
    return `interval '${Number(n)}' ${u}`;
  }
  return `interval '${Number(n)} ${u}'`;
}

/**
 * `expr` plus `n` units (`n` may be an expression). A date stays a date on both engines.
 * PostgreSQL: date + n * interval (cast back to date for dates); Trino: date_add(unit, n, expr).
 */
function dateAdd(unit, n, expr, { asDate = false } = {}) {
  const u = checkUnit(unit);
  if (isAthena()) return `date_add('${u}', ${n}, ${expr})`;
  const sum = `(${expr} + (${n}) * interval '1 ${u}')`;
  return asDate ? `cast(${sum} as date)` : sum;
}

/** Truncates to the unit. PostgreSQL returns a timestamp for a date; wrap in cast(... as date) when a date is wanted. */
function dateTrunc(unit, expr) {
  return `date_trunc('${checkUnit(unit)}', ${expr})`;
}

/** Whole `unit`s from `fromExpr` to `toExpr` (Trino date_diff semantics: completed units). */
function dateDiff(unit, fromExpr, toExpr) {
  const u = checkUnit(unit);
  if (isAthena()) return `date_diff('${u}', ${fromExpr}, ${toExpr})`;
  switch (u) {
    case "day":
      return `(cast(${toExpr} as date) - cast(${fromExpr} as date))`;
    case "week":
      return `div(cast(${toExpr} as date) - cast(${fromExpr} as date), 7)`;
    case "month":
    case "quarter":
    case "year": {
      const months = `(extract(year from age(${toExpr}, ${fromExpr})) * 12 + extract(month from age(${toExpr}, ${fromExpr})))`;
      const per = { month: 1, quarter: 3, year: 12 }[u];
      return per === 1 ? `cast(${months} as integer)` : `cast(div(${months}, ${per}) as integer)`;
    }
    default: {
      const seconds = { second: 1, minute: 60, hour: 3600 }[u];
      return `cast(floor(extract(epoch from (${toExpr} - ${fromExpr})) / ${seconds}) as bigint)`;
    }
  }
}

/** Portable type names → the engine's: text, integer, bigint, double, boolean, date, timestamp, numeric(p, s). */
function type(portable) {
  const t = String(portable).trim().toLowerCase();
  const numeric = /^(?:numeric|decimal)(?:\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(t);
  if (numeric) {
    const precision = numeric[1] || (isAthena() ? "38" : undefined);
    const scale = numeric[2] || (numeric[1] ? "0" : isAthena() ? "9" : undefined);
    if (isAthena()) return `decimal(${precision}, ${scale})`;
    return precision ? `numeric(${precision}, ${scale})` : "numeric";
  }
  const athena = { text: "varchar", string: "varchar", varchar: "varchar", integer: "integer", int: "integer", bigint: "bigint", double: "double", "double precision": "double", float: "double", boolean: "boolean", date: "date", timestamp: "timestamp", timestamptz: "timestamp(3) with time zone" };
  const postgres = { text: "text", string: "text", varchar: "text", integer: "integer", int: "integer", bigint: "bigint", double: "double precision", "double precision": "double precision", float: "double precision", boolean: "boolean", date: "date", timestamp: "timestamp", timestamptz: "timestamptz" };
  const mapped = (isAthena() ? athena : postgres)[t];
  if (!mapped) throw new Error(`dialect: unknown portable type "${portable}"`);
  return mapped;
}

/** cast(expr as <type>) with the type mapped for the engine (see `type`). */
function cast(expr, portableType) {
  return `cast(${expr} as ${type(portableType)})`;
}

/** Text aggregation: PostgreSQL string_agg, Trino array_join(array_agg(...)). */
function stringAgg(expr, separator = ",", orderBy) {
  const sep = `'${String(separator).replace(/'/g, "''")}'`;
  const order = orderBy ? ` order by ${orderBy}` : "";
  if (isAthena()) return `array_join(array_agg(${expr}${order}), ${sep})`;
  return `string_agg(${expr}, ${sep}${order})`;
}

/** Format tokens YYYY MM DD HH mm ss (as in landing contracts) → the engine's parse pattern. */
function pattern(format) {
  const trino = { YYYY: "%Y", MM: "%m", DD: "%d", HH: "%H", mm: "%i", ss: "%s" };
  const pg = { YYYY: "YYYY", MM: "MM", DD: "DD", HH: "HH24", mm: "MI", ss: "SS" };
  const map = isAthena() ? trino : pg;
  return String(format).replace(/YYYY|MM|DD|HH|mm|ss/g, (t) => map[t]);
}

/** Text in `format` (tokens YYYY MM DD) → date. */
function toDate(textExpr, format = "YYYY-MM-DD") {
  if (isAthena()) return `cast(date_parse(${textExpr}, '${pattern(format)}') as date)`;
  return `to_date(${textExpr}, '${pattern(format)}')`;
}

/** Text in `format` (tokens YYYY MM DD HH mm ss) → timestamp. */
function toTimestamp(textExpr, format = "YYYY-MM-DD HH:mm:ss") {
  if (isAthena()) return `date_parse(${textExpr}, '${pattern(format)}')`;
  return `cast(to_timestamp(${textExpr}, '${pattern(format)}') as timestamp)`;
}

/** A query with one row per day from `fromExpr` to `toExpr` inclusive, in column `column`. */
function dateSeries(fromExpr, toExpr, column = "day") {
  if (isAthena()) {
    return `select spine_day as ${column} from unnest(sequence(cast(${fromExpr} as date), cast(${toExpr} as date), interval '1' day)) as spine(spine_day)`;
  }
  return `select cast(spine_day as date) as ${column} from generate_series(cast(${fromExpr} as timestamp), cast(${toExpr} as timestamp), interval '1 day') as spine(spine_day)`;
}

/** Lower-case hex MD5 of a text expression. */
function md5(textExpr) {
  return isAthena() ? `lower(to_hex(md5(to_utf8(${textExpr}))))` : `md5(${textExpr})`;
}

/** Seconds since 1970 of a timestamp. */
function epochSeconds(expr) {
  return isAthena() ? `to_unixtime(${expr})` : `extract(epoch from ${expr})`;
}

/** Integer division that truncates toward zero on both engines. */
function intDiv(a, b) {
  return isAthena() ? `(cast(${a} as bigint) / cast(${b} as bigint))` : `div(${a}, ${b})`;
}

module.exports = { name, isAthena, interval, dateAdd, dateTrunc, dateDiff, type, cast, stringAgg, toDate, toTimestamp, dateSeries, md5, epochSeconds, intDiv };

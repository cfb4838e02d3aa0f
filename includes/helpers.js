// SQL helpers shared by the reference platform's models: `${helpers.money("amount")}` in SQLX.
// Everything dialect-specific (date truncation, interval arithmetic, casts, series) lives here so
// models stay portable. Where includes/dialect.js (the cross-dialect helpers: PostgreSQL or Trino
// SQL, chosen from the project's warehouse) covers an operation, these helpers delegate to it.

/** includes/dialect.js, looked up at render time, so include load order is irrelevant. */
function dialect() {
  return require("./dialect");
}

/** Round an amount to cents (numeric, half away from zero as PostgreSQL rounds numerics). */
function money(expr) {
  return `round(${dialect().cast(expr, "numeric")}, 2)`;
}

/** An order line's net amount (columns quantity, unit_price, discount_pct): less the discount, rounded to the cent. */
function lineNetAmount() {
  return money("quantity * unit_price * (100 - discount_pct) / 100");
}

/** Trim text and turn empty strings into NULL. */
function cleanText(expr) {
  return `nullif(trim(${expr}), '')`;
}

/** E-mails compare trimmed and case-insensitively. */
function normaliseEmail(expr) {
  return `lower(trim(${expr}))`;
}

/** The calendar date of a timestamp. */
function toDate(expr) {
  return `cast(${expr} as date)`;
}

/** First day of the week (ISO: Monday) of a date. */
function weekStart(expr) {
  return `cast(${dialect().dateTrunc("week", expr)} as date)`;
}

/** First day of the month of a date. */
function monthStart(expr) {
  return `cast(${dialect().dateTrunc("month", expr)} as date)`;
}

/** Calendar year of a date, as an integer. */
function yearOf(expr) {
  return `cast(extract(year from ${expr}) as integer)`;
}

/** A date plus a whole number of days. */
function addDays(expr, days) {
  return dialect().dateAdd("day", days, expr, { asDate: true });
}

/** Whole days from date `fromExpr` to date `toExpr`. */
function daysBetween(fromExpr, toExpr) {
  return dialect().dateDiff("day", fromExpr, toExpr);
}

/** A date literal. */
function dateLiteral(isoDate) {
  return `date '${isoDate}'`;
}

/** Start of the fixed-length period (e.g. 14 days) counted from `anchorIsoDate` that contains `expr`. */
function periodStart(expr, anchorIsoDate, days) {
  return addDays(dateLiteral(anchorIsoDate), `${days} * cast(floor(${daysBetween(dateLiteral(anchorIsoDate), expr)} / ${days}.0) as integer)`);
}

/** A query returning one row per day from `fromExpr` to `toExpr` inclusive, in column `column`. */
function dateSpine(fromExpr, toExpr, column = "day") {
  return dialect().dateSeries(fromExpr, toExpr, column);
}

/** The moment `hours` hours ago. */
function hoursAgo(hours) {
  return dialect().dateAdd("hour", -hours, "current_timestamp");
}

/**
 * Incremental filter: rows whose `column` is later than the watermark `sinceExpr` (a scalar
 * subquery). The second, always-true bound is there for PostgreSQL's planner: it estimates
 * `x > (subquery)` as a third of the table (so it scans it), but a range between two subqueries
 * as 0.5% of it, which lets the index on `column` serve the few rows a day adds.
 */
function loadedSince(sinceExpr, column = "_loaded_at") {
  return `(${column} > ${sinceExpr} and ${column} < (select cast('9999-12-31' as timestamp)))`;
}

/** The latest `column` in `relation` (a scalar subquery), 1900-01-01 when it is empty. */
function latestLoad(relation, column = "_loaded_at") {
  return `(select coalesce(max(${column}), cast('1900-01-01' as timestamp)) from ${relation})`;
}

/** Incremental filter: rows loaded after the latest `_loaded_at` already in `selfRef`. */
function loadedAfterLatestIn(selfRef, column = "_loaded_at") {
  return loadedSince(latestLoad(selfRef), column);
}

/**
 * post_operations statement refreshing the planner statistics of a table just built or merged.
 * PostgreSQL plans the next model's joins from them, and autovacuum (when it runs at all) analyzes
 * a table only later: without it, every estimate on a fresh or grown table is a default guess
 * (a third of the rows for a range, 200 distinct values for a key), and incremental reads turn
 * into scans of the whole table. Like autovacuum, it analyzes a table that has no statistics yet
 * (a first build, or a rebuild swapped in) or whose rows changed by more than a tenth since the
 * last analyze — so a day merged into a big table does not pay for sampling it again (~1 s each).
 * `{ growthOnly: true }` leaves updates out and counts growth instead (a tenth more pages than at
 * the last analyze or vacuum): for a table whose updates rewrite only figures that no query
 * filters, joins or groups on (customer_360: a day rewrites a sixth of its rows, and sampling it
 * again cost 0.4-0.6 s at the end of the run), statistics stay good until it grows.
 * Athena keeps no such statistics: nothing to do (an empty post_operations block adds no statement).
 */
function refreshStatistics(relation, { growthOnly = false } = {}) {
  if (dialect().isAthena()) return "";
  const literal = relation.replace(/'/g, "''");
  const regclass = `'${literal}'::regclass`;
  const changed = growthOnly
    ? `(select pg_relation_size(c.oid) > 1.1 * greatest(c.relpages, 1) * current_setting('block_size')::integer from pg_class c where c.oid = ${regclass})`
    : `(select t.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) from pg_stat_user_tables t join pg_class c on c.oid = t.relid where t.relid = ${regclass})`;
  return `do $$
begin
  if not exists (select 1 from pg_stats s join pg_class c on c.relname = s.tablename join pg_namespace n on n.oid = c.relnamespace and n.nspname = s.schemaname where c.oid = ${regclass})
    or ${changed}
  then
    execute 'analyze ${literal}';
  end if;
end
$$`;
}

/** Whether two values differ, NULLs compared as values (portable `is distinct from`). */
function differs(a, b) {
  return `(${a} <> ${b} or (${a} is null and ${b} is not null) or (${a} is not null and ${b} is null))`;
}

/** z-score of a value against a mean and standard deviation, NULL when the deviation is zero. */
function zScore(valueExpr, meanExpr, stddevExpr) {
  return `case when ${stddevExpr} > 0 then round((${valueExpr} - ${meanExpr}) / ${stddevExpr}, 3) end`;
}

/** Percentage change from `previousExpr` to `currentExpr`, NULL when there is no previous value. */
function growthPct(currentExpr, previousExpr) {
  return `case when ${previousExpr} > 0 then round(100 * (${currentExpr} - ${previousExpr}) / ${previousExpr}, 2) end`;
}

module.exports = {
  differs,
  latestLoad,
  lineNetAmount,
  money,
  cleanText,
  normaliseEmail,
  toDate,
  weekStart,
  monthStart,
  yearOf,
  addDays,
  daysBetween,
  dateLiteral,
  periodStart,
  dateSpine,
  hoursAgo,
  loadedSince,
  loadedAfterLatestIn,
  refreshStatistics,
  zScore,
  growthPct,
};

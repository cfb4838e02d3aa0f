// Reusable data-accuracy checks for assertions. Each function returns the SQL of the FAILING rows,
// so an assertion file is just a config block and one call:
//
//   config { type: "assertion", severity: "warn" }
//   ${checks.relationship({ from: ref("payment"), column: "order_id", to: ref("sales_order"), toColumn: "order_id" })}
//
// Zero rows = the check holds. Every check works on PostgreSQL and Athena (date arithmetic goes
// through includes/dialect.js, resolved when the SQL is rendered).

/** Dialect helpers, looked up when a check renders (includes load in name order). */
function dialectHelpers() {
  return require("./dialect");
}

function list(columns) {
  return (Array.isArray(columns) ? columns : [columns]).join(", ");
}

function sqlLiteral(value) {
  if (value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** Rows whose `column` is not one of `values` (NULL fails too unless allowNull). */
function acceptedValues({ from, column, values, allowNull = false }) {
  const nullCheck = allowNull ? "" : ` or ${column} is null`;
  return `select ${column}, count(*) as rows
from ${from}
where ${column} not in (${values.map(sqlLiteral).join(", ")})${nullCheck}
group by ${column}`;
}

/** Child rows whose foreign key has no parent (NULL keys are not checked). */
function relationship({ from, column, to, toColumn = column, where }) {
  return `select child.${column}, count(*) as rows
from ${from} child
where child.${column} is not null${where ? ` and (${where})` : ""}
  and not exists (select 1 from ${to} parent where parent.${toColumn} = child.${column})
group by child.${column}`;
}

/** Keys that appear more than once. */
function unique({ from, columns }) {
  return `select ${list(columns)}, count(*) as rows
from ${from}
group by ${list(columns)}
having count(*) > 1`;
}

/** Rows loaded more than once: the same `_row_hash` twice (landing metadata column). */
function duplicateRowHashes({ from, column = "_row_hash" }) {
  return unique({ from, columns: [column] });
}

/**
 * Two layers disagree: the same measure (a count or a sum) computed on both sides differs by more
 * than `tolerance`. `left`/`right`: { from, expression, where? }, e.g. ODS revenue vs marts revenue.
 */
function reconcile({ left, right, tolerance = 0, label = "measure" }) {
  const side = (s) => `select coalesce(${s.expression}, 0) as value from ${s.from}${s.where ? ` where ${s.where}` : ""}`;
  return `select ${sqlLiteral(label)} as measure, l.value as left_value, r.value as right_value, l.value - r.value as difference
from (${side(left)}) l
cross join (${side(right)}) r
where abs(l.value - r.value) > ${Number(tolerance)}`;
}

/** Row counts of two relations differ (e.g. every staging order reaches the ODS). */
function rowCountsMatch({ left, right, tolerance = 0 }) {
  return reconcile({ left: { from: left, expression: "count(*)" }, right: { from: right, expression: "count(*)" }, tolerance, label: "row count" });
}

/** The newest `column` is older than `hours` hours (or the relation is empty). */
function freshness({ from, column, hours }) {
  const dialect = dialectHelpers();
  return `select max(${column}) as newest, ${Number(hours)} as max_age_hours
from ${from}
having max(${column}) is null or max(${column}) < ${dialect.dateAdd("hour", -Number(hours), "current_timestamp")}`;
}

/**
 * Values that are anomalous for their group: |z| = |value - mean| / stddev above `threshold`,
 * mean and stddev computed per `partitionBy` over the whole relation.
 */
function zScoreAnomalies({ from, value, partitionBy, threshold = 3, columns = [] }) {
  const partition = partitionBy ? `partition by ${list(partitionBy)}` : "";
  const keep = [...(partitionBy ? (Array.isArray(partitionBy) ? partitionBy : [partitionBy]) : []), ...columns];
  return `select ${keep.length ? `${list(keep)}, ` : ""}value, z_score
from (
  select ${keep.length ? `${list(keep)}, ` : ""}${value} as value,
         (${value} - avg(${value}) over (${partition})) / nullif(stddev_samp(${value}) over (${partition}), 0) as z_score
  from ${from}
) scored
where abs(z_score) > ${Number(threshold)}`;
}

/** Rows that break a condition, e.g. `amount >= 0`. */
function rowCondition({ from, condition, columns = ["*"] }) {
  return `select ${list(columns)}
from ${from}
where not (${condition})`;
}

module.exports = {
  acceptedValues,
  relationship,
  unique,
  duplicateRowHashes,
  reconcile,
  rowCountsMatch,
  freshness,
  zScoreAnomalies,
  rowCondition,
};

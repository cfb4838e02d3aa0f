// Order figures per group of orders (a customer, a customer's month): counts, revenue, first and
// last completed order, payments received. `${order_figures.aggregates("o")}` in SQLX.
//
// How the marts keep them incrementally: ods.sales_order records, in each merged row, the figures
// of the version it replaced (replaced_*). Reading the orders written since its last run, a mart
//   - adds a new order's figures to its group's row (`change` = 'new'): no history is read;
//   - ignores an order re-sent unchanged ('same');
//   - recomputes from all their orders the groups of an order that really changed ('changed': another
//     customer, date, status or amount, or a version the mart never saw), old group and new.
// Sums add up exactly, and the first/last order dates only move outwards when orders are added, so
// adding is exact; only a change can move them inwards, and a change recomputes the group.
// Payments follow the same pattern (ods.payment records replaced_* too): a new payment's amount is
// added to its order's group, unless that order is new in the run (its payments come with it) or
// its group is recomputed anyway; a payment that really changed (amount, order, or a version the mart
// never saw) recomputes the groups of its order and of the order it was for.

function constants() {
  return require("./constants");
}

function helpers() {
  return require("./helpers");
}

function dialect() {
  return require("./dialect");
}

/** The figure columns of `aggregates`, in order, read from row `o`. */
function columns(o) {
  return ["order_count", "cancelled_order_count", "net_revenue", "gross_revenue", "first_order_date", "last_order_date", "paid_amount"]
    .map((column) => `${o}.${column}`)
    .join(", ");
}

/**
 * Every order of `salesOrder` with the sum of its payments in `payment`, hashed in one pass (the
 * full build): columns customer_id, order_date, status, net_amount, gross_amount, paid.
 */
function ordersWithPayments(salesOrder, payment) {
  return `(
      select so.customer_id, so.order_date, so.status, so.net_amount, so.gross_amount, p.paid
      from ${salesOrder} so
      left join (select order_id, sum(amount) as paid from ${payment} group by order_id) p on p.order_id = so.order_id
    )`;
}

/** The payments in `payment` of the order `orderId`, summed: one probe of its order_id index. */
function paidFor(payment, orderId) {
  return `(select sum(pp.amount) from ${payment} pp where pp.order_id = ${orderId})`;
}

/**
 * The ods.sales_order rows written after `ordersSince`, with their month and what each changes
 * (`change`): order_id, customer_id, month_start, order_date, status, net_amount, gross_amount,
 * replaced_customer_id, replaced_order_date, change.
 */
function written(salesOrder, ordersSince) {
  return `select
      o.order_id,
      o.customer_id,
      ${helpers().monthStart("o.order_date")} as month_start,
      o.order_date,
      o.status,
      o.net_amount,
      o.gross_amount,
      o.replaced_customer_id,
      o.replaced_order_date,
      ${change("o", ordersSince, ["customer_id", "order_date", "status", "net_amount", "gross_amount"])} as change
    from ${salesOrder} o
    where ${helpers().loadedSince(ordersSince, "o._loaded_at")}`;
}

/**
 * The ods.payment rows written after `paymentsSince`, with what each changes (`change`, as for
 * orders): payment_id, order_id, amount, replaced_order_id, change.
 */
function paymentsWritten(payment, paymentsSince) {
  return `select
      p.payment_id,
      p.order_id,
      p.amount,
      p.replaced_order_id,
      ${change("p", paymentsSince, ["order_id", "amount"])} as change
    from ${payment} p
    where ${helpers().loadedSince(paymentsSince, "p._loaded_at")}`;
}

/**
 * The orders that changed payments among `paid` (rows from paymentsWritten) are for, or were for
 * before the change: a query of order_id.
 */
function changedPaymentOrders(paid) {
  return `select order_id from ${paid} where change = 'changed'
    union
    select replaced_order_id from ${paid} where change = 'changed' and replaced_order_id is not null`;
}

/**
 * New payments (rows of `paid`, from paymentsWritten) as rows `aggregates` can add up: their order
 * `so`'s customer_id and month_start, no order figures, paid = the amount. Only payments whose order
 * is known and not new in `written` (a new order brings its payments along).
 */
function newPaymentRows(paid, salesOrder, written) {
  return `select
      so.customer_id,
      ${helpers().monthStart("so.order_date")} as month_start,
      ${dialect().cast("null", "date")} as order_date,
      ${dialect().cast("null", "varchar")} as status,
      ${dialect().cast("null", "numeric")} as net_amount,
      ${dialect().cast("null", "numeric")} as gross_amount,
      p.amount as paid
    from ${paid} p
    join ${salesOrder} so on so.order_id = p.order_id
    where p.change = 'new'
    and not exists (select 1 from ${written} w where w.order_id = p.order_id and w.change = 'new')`;
}

/**
 * The figures of the orders `o` (columns status, order_date, net_amount, gross_amount, paid),
 * aggregated: order_count, cancelled_order_count, net_revenue, gross_revenue, first_order_date,
 * last_order_date, paid_amount.
 */
function aggregates(o) {
  const completed = `${o}.status = '${constants().REVENUE_STATUS}'`;
  return `count(case when ${completed} then 1 end) as order_count,
  count(case when ${o}.status <> '${constants().REVENUE_STATUS}' then 1 end) as cancelled_order_count,
  coalesce(sum(case when ${completed} then ${o}.net_amount end), 0) as net_revenue,
  coalesce(sum(case when ${completed} then ${o}.gross_amount end), 0) as gross_revenue,
  min(case when ${completed} then ${o}.order_date end) as first_order_date,
  max(case when ${completed} then ${o}.order_date end) as last_order_date,
  coalesce(sum(${o}.paid), 0) as paid_amount`;
}

/**
 * What the merged row `r` (of ods.sales_order or ods.payment, which keep replaced_<column> for the
 * `columns` a mart reads) changes for a mart that last read the rows loaded up to `since`: 'new' (a
 * key the table did not hold before), 'same' (re-sent, and the mart saw the version it replaced,
 * with the same `columns`) or 'changed'.
 */
function change(r, since, columns) {
  return `case
      when ${r}.replaced_loaded_at is null then 'new'
      when ${r}.replaced_loaded_at <= ${since}
      ${columns.map((column) => `and ${r}.replaced_${column} = ${r}.${column}`).join("\n      ")} then 'same'
      else 'changed'
    end`;
}

/**
 * A group's figures after adding `added` (aggregates of its new orders) to its row `existing`
 * (NULL columns when the group has no row yet). Same names as `aggregates`.
 */
function addedTo(existing, added) {
  const e = existing;
  const a = added;
  const sum = (column) => `coalesce(${e}.${column}, 0) + ${a}.${column} as ${column}`;
  return `${sum("order_count")},
  ${sum("cancelled_order_count")},
  ${sum("net_revenue")},
  ${sum("gross_revenue")},
  case when ${e}.first_order_date is null or ${a}.first_order_date < ${e}.first_order_date then ${a}.first_order_date else ${e}.first_order_date end as first_order_date,
  case when ${e}.last_order_date is null or ${a}.last_order_date > ${e}.last_order_date then ${a}.last_order_date else ${e}.last_order_date end as last_order_date,
  ${sum("paid_amount")}`;
}

/**
 * The payments of the new orders among `written` (rows with order_id and change), summed per
 * order_id: read as the payments in the range of the new orders' ids (order ids are issued in
 * sequence, so a day's new orders have neighbouring ids, and few payments precede their order),
 * rather than by one index probe per new order.
 */
function newOrdersPaid(written, payment) {
  return `(
        select pp.order_id, sum(pp.amount) as paid
        from ${payment} pp
        where pp.order_id >= (select min(order_id) from ${written} where change = 'new')
        and pp.order_id <= (select max(order_id) from ${written} where change = 'new')
        group by pp.order_id
      )`;
}

/**
 * The earliest order date that the ods.sales_order rows written after `ordersSince` touch, old
 * (replaced) dates included: where marts kept per day start recomputing. NULL when none was written.
 * The count(*) keeps PostgreSQL from answering min() by walking the order_date index from the
 * oldest order until it meets a new one (most of the table); it reads the new rows instead.
 */
function earliestTouchedDate(salesOrder, ordersSince) {
  return `(select min(case when replaced_order_date < order_date then replaced_order_date else order_date end)
    from ${salesOrder}
    where ${helpers().loadedSince(ordersSince)}
    having count(*) > 0)`;
}

module.exports = {
  aggregates,
  columns,
  addedTo,
  written,
  paymentsWritten,
  changedPaymentOrders,
  newPaymentRows,
  ordersWithPayments,
  paidFor,
  newOrdersPaid,
  earliestTouchedDate,
};

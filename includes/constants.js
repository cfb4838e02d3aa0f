// Business constants shared by the reference platform's models: `${constants.NAME}` in SQLX.

/** Amounts are stored in EUR with two decimals. */
const MONEY_SCALE = 2;

/** Marts and the ODS must agree to within this many EUR (reconciliation assertions). */
const RECONCILIATION_TOLERANCE = 0.01;

/** Orders with this status count as revenue; cancelled orders do not. */
const REVENUE_STATUS = "completed";

/** Billing-only customers (no CRM record) get this offset plus their billing account number as customer_id. */
const BILLING_ONLY_CUSTOMER_OFFSET = 900000;

/** Payments are reported in 14-day periods counted from this date (the day the payment exports started). */
const BIWEEKLY_ANCHOR = "2024-12-01";

/** How many clients the top-clients mart keeps per month. */
const TOP_CLIENTS = 10;

/** An expense whose z-score within its cost centre exceeds this (in absolute value) is an anomaly. */
const ANOMALY_Z_THRESHOLD = 3;

/** Staging is stale (warn) when its latest load is older than this many hours. */
const FRESHNESS_HOURS = 36;

module.exports = {
  MONEY_SCALE,
  RECONCILIATION_TOLERANCE,
  REVENUE_STATUS,
  BILLING_ONLY_CUSTOMER_OFFSET,
  BIWEEKLY_ANCHOR,
  TOP_CLIENTS,
  ANOMALY_Z_THRESHOLD,
  FRESHNESS_HOURS,
};

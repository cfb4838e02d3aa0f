// Landing on Athena: the files of `landing/<source>/` sit under `<s3Landing><source>/`, and a
// contract becomes two objects over them:
//   1. an external table `<table>__raw`, every column a string (CSV through OpenCSVSerDe with the
//      header line skipped, NDJSON through the OpenX JsonSerDe), so no file is ever unreadable;
//   2. a view `<table>` that parses each column by the contract (date/timestamp formats, decimal and
//      thousands separators) and adds the metadata columns, giving the same shape as a landing
//      table loaded on PostgreSQL. A value that does not fit its type fails the query that reads
//      it, naming the value: the contract is enforced when the data is read.
import { quoteString } from "../../graph/quote";
import type { LandingContract } from "../../load/contract";
import { body, ddlIdentifier, ddlName, trinoColumn, trinoName } from "./athena-sql";

export type { LandingContract };

export interface ExternalTableSql {
  /** Run in order: the raw external table, then the typed view. */
  statements: string[];
  notices: string[];
  location: string;
}

export function externalTableForContract(contract: LandingContract, options: { s3Landing: string }): ExternalTableSql {
  const root = options.s3Landing.endsWith("/") ? options.s3Landing : `${options.s3Landing}/`;
  const location = `${root}${contract.source}/`;
  const raw = { schema: contract.table.schema, name: `${contract.table.name}__raw` };
  const notices: string[] = [];
  const columns = contract.columns.map((c) => `  ${ddlIdentifier(c.name)} string`).join(",\n");
  let storage: string;
  if (contract.format === "csv") {
    const csv = contract.csv;
    storage = [
      `row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'`,
      `with serdeproperties ('separatorChar' = ${quoteString(csv.delimiter)}, 'quoteChar' = ${quoteString(csv.quote)}, 'escapeChar' = '\\\\')`,
      `stored as textfile`,
      `location ${quoteString(location)}`,
      `tblproperties ('skip.header.line.count' = '${csv.header ? 1 : 0}')`,
    ].join("\n");
    // OpenCSVSerDe maps fields by position, unlike the loader, which matches header names.
    notices.push(`${contract.source}: CSV columns are read by position on Athena: files must list the columns in the contract's order`);
    if (csv.encoding === "latin1") notices.push(`${contract.source}: OpenCSVSerDe reads UTF-8 only; convert latin1 files before uploading`);
  } else {
    storage = [`row format serde 'org.openx.data.jsonserde.JsonSerDe'`, `with serdeproperties ('ignore.malformed.json' = 'false')`, `location ${quoteString(location)}`].join("\n");
    if (contract.format === "json") notices.push(`${contract.source}: JsonSerDe reads one JSON object per line: upload these files as NDJSON, not as a JSON array`);
  }
  notices.push(`${contract.source}: Athena reads every file under ${location}; the contract's files globs are not applied`);

  const rawName = trinoName(raw);
  const typed = contract.columns.map((c) => `  ${typedColumn(trinoColumn(c.name), c)} as ${trinoColumn(c.name)}`);
  const hashInput = contract.columns.map((c) => `coalesce(${trinoColumn(c.name)}, '')`).join(", ");
  const view = body(
    [
      `create or replace view ${trinoName(contract.table)} as`,
      `select`,
      [
        ...typed,
        `  "$path" as "_source_file"`,
        // External files have no load time: the view reports none rather than invent one.
        `  cast(null as timestamp(3) with time zone) as "_loaded_at"`,
        `  lower(to_hex(md5(to_utf8(concat_ws('|', ${hashInput}))))) as "_row_hash"`,
      ].join(",\n"),
      `from ${rawName}`,
    ].join("\n"),
  );
  return {
    statements: [`create external table if not exists ${ddlName(raw)} (\n${columns}\n)\n${storage}`, view],
    notices,
    location,
  };
}

/** Trino expression that reads one raw string column as its contract type (empty → NULL). */
function typedColumn(column: string, c: LandingContract["columns"][number]): string {
  const value = `nullif(trim(${column}), '')`;
  switch (c.type) {
    case "text":
      return `nullif(${column}, '')`;
    case "integer":
    case "bigint":
      return `cast(${withoutThousands(value, c.thousands)} as ${c.type})`;
    case "numeric": {
      let v = withoutThousands(value, c.thousands);
      if (c.decimal !== ".") v = `replace(${v}, ${quoteString(c.decimal)}, '.')`;
      return `cast(${v} as decimal(38, 9))`;
    }
    case "boolean":
      return `case when lower(${value}) in ('true', 't', 'yes', 'y', '1') then true when lower(${value}) in ('false', 'f', 'no', 'n', '0') then false when ${value} is not null then cast(${value} as boolean) end`;
    case "date":
      return `cast(date_parse(${value}, ${quoteString(mysqlFormat(c.format ?? "YYYY-MM-DD"))}) as date)`;
    case "timestamp":
      return `date_parse(${value}, ${quoteString(mysqlFormat(c.format ?? "YYYY-MM-DD HH:mm:ss"))})`;
  }
}

function withoutThousands(value: string, thousands: string | undefined): string {
  return thousands ? `replace(${value}, ${quoteString(thousands)}, '')` : value;
}

/** Contract tokens (YYYY MM DD HH mm ss) → Trino date_parse (MySQL) specifiers. */
export function mysqlFormat(format: string): string {
  const tokens: Record<string, string> = { YYYY: "%Y", MM: "%m", DD: "%d", HH: "%H", mm: "%i", ss: "%s" };
  return format.replace(/%/g, "%%").replace(/YYYY|MM|DD|HH|mm|ss/g, (t) => tokens[t]);
}

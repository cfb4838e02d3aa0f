// The `athena` target in targets.yaml → validated, typed settings. Credentials never come from
// project files: the AWS SDK's standard chain (env, ~/.aws profiles, SSO, instance/task roles)
// supplies them, and keys written into targets.yaml are rejected before anything runs.
import { UserError } from "../../errors";
import type { ResolvedTarget } from "../../project/targets";

export interface AthenaSettings {
  region: string;
  workgroup: string;
  /** Trino catalog; the Glue Data Catalog is "AwsDataCatalog". */
  catalog: string;
  /** Query results location; optional when the workgroup enforces its own. */
  s3Staging?: string;
  /** Root of table data: tables live under `<s3Data>/<schema>/<name>/<runId>/`. Always ends in "/". */
  s3Data: string;
  /** Root of landing files: `<s3Landing>/<source>/`. Defaults to `<s3Data>landing/`. */
  s3Landing: string;
  /** Strata schema → Glue database, for the schemas whose database has another name. */
  databases: Record<string, string>;
  /** Stop any query that scans more than this (checked while polling). */
  bytesScannedCutoffPerQuery?: number;
  /** Queries in flight at once. */
  maxConcurrency?: number;
  /** Per-statement timeout. */
  queryTimeoutMs?: number;
  /** AWS named profile (a name only, never a key). */
  profile?: string;
}

const CREDENTIAL_KEYS = [
  "accesskeyid",
  "aws_access_key_id",
  "secretaccesskey",
  "aws_secret_access_key",
  "sessiontoken",
  "aws_session_token",
  "credentials",
  "password",
];

const KNOWN_KEYS = new Set([
  "adapter",
  "region",
  "workgroup",
  "catalog",
  "s3Staging",
  "s3Data",
  "s3Landing",
  "databases",
  "bytesScannedCutoffPerQuery",
  "maxConcurrency",
  "queryTimeoutMs",
  "profile",
]);

export function athenaSettingsFromTarget(target: ResolvedTarget): AthenaSettings {
  const c = target.config as Record<string, unknown>;
  const place = { file: target.file ? "targets.yaml" : undefined };
  const fail = (message: string) => new UserError(`target "${target.name}": ${message}`, place);

  for (const key of Object.keys(c)) {
    if (CREDENTIAL_KEYS.includes(key.toLowerCase())) {
      throw fail(
        `"${key}" is not allowed: AWS credentials never go in project files. Use the standard AWS credential chain ` +
          `(AWS_PROFILE / "profile", environment variables, SSO or an instance/task role)`,
      );
    }
    if (!KNOWN_KEYS.has(key)) throw fail(`unknown setting "${key}" for the athena adapter (known: ${[...KNOWN_KEYS].slice(1).join(", ")})`);
  }

  const text = (key: string, required: boolean): string | undefined => {
    const v = c[key];
    if (v === undefined || v === null || v === "") {
      if (required) throw fail(`"${key}" is required for the athena adapter`);
      return undefined;
    }
    if (typeof v !== "string") throw fail(`"${key}" must be a string`);
    return v;
  };
  const s3 = (key: string, required: boolean): string | undefined => {
    const v = text(key, required);
    if (v === undefined) return undefined;
    if (!/^s3:\/\/[^/\s]+(\/\S*)?$/.test(v)) throw fail(`"${key}" must be an s3:// URI, got "${v}"`);
    return v.endsWith("/") ? v : `${v}/`;
  };
  const positive = (key: string): number | undefined => {
    const v = c[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) throw fail(`"${key}" must be a positive number`);
    return v;
  };

  const databases = c.databases ?? {};
  if (typeof databases !== "object" || Array.isArray(databases)) throw fail(`"databases" must map schema names to Glue database names`);
  for (const [schema, db] of Object.entries(databases as Record<string, unknown>)) {
    if (typeof db !== "string" || !/^[a-z0-9_]{1,255}$/.test(db)) {
      throw fail(`databases.${schema} must be a Glue database name (lower case letters, digits and _), got ${JSON.stringify(db)}`);
    }
  }

  const region = text("region", true)!;
  const s3Data = s3("s3Data", true)!;
  return {
    region,
    workgroup: text("workgroup", false) ?? "primary",
    catalog: text("catalog", false) ?? "AwsDataCatalog",
    s3Staging: s3("s3Staging", false),
    s3Data,
    s3Landing: s3("s3Landing", false) ?? `${s3Data}landing/`,
    databases: databases as Record<string, string>,
    bytesScannedCutoffPerQuery: positive("bytesScannedCutoffPerQuery"),
    maxConcurrency: positive("maxConcurrency"),
    queryTimeoutMs: positive("queryTimeoutMs"),
    profile: text("profile", false),
  };
}

/** The Glue database a Strata schema lives in (the `databases` map, else the schema itself, lower-cased). */
export function glueDatabaseFor(schema: string, databases: Record<string, string> = {}): string {
  return databases[schema] ?? schema.toLowerCase();
}

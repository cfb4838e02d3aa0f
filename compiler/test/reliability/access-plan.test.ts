// The access plan is pure: config + catalog → SQL. These pin the statements it produces.
import { describe, expect, it } from "vitest";
import { parseAccessConfig } from "../../src/access/access-config";
import { planAccess, type AccessCatalog } from "../../src/access/plan-access";
import type { ProjectConfig } from "../../src/graph/types";

function config(access: unknown, extra: Partial<ProjectConfig> = {}): ProjectConfig {
  return { warehouse: "postgres", defaultSchema: "ods", assertionSchema: "assertions", access, ...extra };
}

function catalog(partial: Partial<AccessCatalog> = {}): AccessCatalog {
  return {
    currentUser: "strata",
    roles: new Set(["bi_reader", "loader"]),
    schemas: new Set(["landing", "staging", "ods", "marts"]),
    relations: [
      { schema: "landing", name: "crm_customers", relkind: "r", owner: "strata" },
      { schema: "ods", name: "customer", relkind: "r", owner: "strata" },
      { schema: "marts", name: "daily_sales", relkind: "r", owner: "strata" },
      { schema: "marts", name: "customer_360", relkind: "v", owner: "strata" },
    ],
    relationGrants: [],
    schemaUsage: [],
    ...partial,
  };
}

const platformAccess = { roles: { bi_reader: { read: ["marts"] }, loader: { read: ["landing"], write: ["landing"] } } };

describe("planAccess", () => {
  it("grants usage and per-table privileges from scratch", () => {
    const plan = planAccess(parseAccessConfig(config(platformAccess))!, catalog());
    expect(plan.statements).toEqual([
      `grant usage on schema "marts" to "bi_reader"`,
      `grant select on "marts"."customer_360" to "bi_reader"`,
      `grant select on "marts"."daily_sales" to "bi_reader"`,
      `grant usage on schema "landing" to "loader"`,
      `grant select, insert, update, delete, truncate on "landing"."crm_customers" to "loader"`,
    ]);
  });

  it("is idempotent: nothing to do when the catalog already matches", () => {
    const plan = planAccess(
      parseAccessConfig(config({ roles: { bi_reader: { read: ["marts"] } } }))!,
      catalog({
        schemaUsage: [{ role: "bi_reader", schema: "marts" }],
        relationGrants: [
          { role: "bi_reader", schema: "marts", name: "daily_sales", privilege: "SELECT" },
          { role: "bi_reader", schema: "marts", name: "customer_360", privilege: "SELECT" },
        ],
      }),
    );
    expect(plan.statements).toEqual([]);
  });

  it("revokes what the config no longer grants, only for managed roles", () => {
    const plan = planAccess(
      parseAccessConfig(config({ roles: { bi_reader: { read: ["marts"] } } }))!,
      catalog({
        schemaUsage: [
          { role: "bi_reader", schema: "marts" },
          { role: "bi_reader", schema: "landing" },
          { role: "someone_else", schema: "landing" },
        ],
        relationGrants: [
          { role: "bi_reader", schema: "marts", name: "daily_sales", privilege: "SELECT" },
          { role: "bi_reader", schema: "marts", name: "daily_sales", privilege: "DELETE" },
          { role: "bi_reader", schema: "marts", name: "customer_360", privilege: "SELECT" },
          { role: "bi_reader", schema: "landing", name: "crm_customers", privilege: "SELECT" },
          { role: "someone_else", schema: "landing", name: "crm_customers", privilege: "SELECT" },
        ],
      }),
      [],
      ["landing", "ods", "marts"],
    );
    expect(plan.statements).toEqual([
      `revoke usage on schema "landing" from "bi_reader"`,
      `revoke select on "landing"."crm_customers" from "bi_reader"`,
      `revoke delete on "marts"."daily_sales" from "bi_reader"`,
    ]);
  });

  it("keeps a table's own grants (model config) and honours except/tables", () => {
    const access = { roles: { bi_reader: { read: ["marts"], except: ["marts.customer_360"], tables: ["ods.customer"] } } };
    const plan = planAccess(parseAccessConfig(config(access))!, catalog({ relationGrants: [{ role: "bi_reader", schema: "landing", name: "crm_customers", privilege: "SELECT" }] }), [
      { schema: "landing", name: "crm_customers", role: "bi_reader", privileges: ["select"] },
    ], ["landing"]);
    expect(plan.statements).toEqual([
      `grant usage on schema "landing" to "bi_reader"`,
      `grant usage on schema "marts" to "bi_reader"`,
      `grant usage on schema "ods" to "bi_reader"`,
      `grant select on "marts"."daily_sales" to "bi_reader"`,
      `grant select on "ods"."customer" to "bi_reader"`,
    ]);
  });

  it("creates missing roles only when createRoles is set, else fails with a clear message", () => {
    const access = { roles: { analyst: { read: ["ods"] } } };
    expect(() => planAccess(parseAccessConfig(config(access))!, catalog())).toThrow(
      `access: role "analyst" does not exist; create it, or set "createRoles": true under "access" in dataform.json`,
    );
    const plan = planAccess(parseAccessConfig(config({ ...access, createRoles: true }))!, catalog());
    expect(plan.statements[0]).toBe(`create role "analyst" nologin`);
  });

  it("insight zones: owners read their schemas, published tables reach other zones", () => {
    const access = {
      zones: {
        finance: { owner: "finance_team", schemas: ["finance"], publish: { "finance.monthly_tax": ["sales"] } },
        sales: { owner: "sales_team", schemas: ["sales"], readers: ["bi_reader"] },
      },
    };
    const parsed = parseAccessConfig(config(access, { schemaSuffix: "dev" }))!;
    expect(Object.fromEntries(parsed.roles)).toEqual({
      finance_team: { readSchemas: ["finance_dev"], writeSchemas: [], readTables: [], exceptTables: [] },
      sales_team: { readSchemas: ["sales_dev"], writeSchemas: [], readTables: ["finance_dev.monthly_tax"], exceptTables: [] },
      bi_reader: { readSchemas: ["sales_dev"], writeSchemas: [], readTables: [], exceptTables: [] },
    });
    const plan = planAccess(parsed, catalog({
      roles: new Set(["finance_team", "sales_team", "bi_reader"]),
      schemas: new Set(["finance_dev", "sales_dev"]),
      relations: [
        { schema: "finance_dev", name: "monthly_tax", relkind: "r", owner: "strata" },
        { schema: "finance_dev", name: "ledger", relkind: "r", owner: "strata" },
      ],
    }));
    expect(plan.statements).toEqual([
      `grant usage on schema "sales_dev" to "bi_reader"`,
      `grant usage on schema "finance_dev" to "finance_team"`,
      `grant select on "finance_dev"."ledger" to "finance_team"`,
      `grant select on "finance_dev"."monthly_tax" to "finance_team"`,
      `grant usage on schema "finance_dev" to "sales_team"`,
      `grant usage on schema "sales_dev" to "sales_team"`,
      `grant select on "finance_dev"."monthly_tax" to "sales_team"`,
    ]);
  });

  it.each([
    [{ roles: { bi_reader: { reed: ["marts"] } } }, `access: unknown key "reed" in role "bi_reader" (expected read, write, tables, except)`],
    [{ roles: { bi_reader: { read: "marts" } } }, `access: role "bi_reader" "read" must be a list of names`],
    [{ roles: { postgres: { read: ["marts"] } } }, `access: role "postgres" is reserved and cannot be managed`],
    [{ zones: { f: { owner: "t", schemas: ["f"], publish: { "g.x": ["y"] } } } }, `access: zone "f" publishes "g.x", which is not in its own schemas`],
    [{ roles: { r: { tables: ["nodot"] } } }, `access: role "r" "tables": "nodot" must be "schema.table"`],
    [["x"], `access: must be an object with "roles" and/or "zones"`],
  ])("rejects a bad config %#", (access, message) => {
    expect(() => parseAccessConfig(config(access))).toThrow(message);
  });
});

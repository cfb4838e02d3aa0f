// Against real Athena, only when AWS credentials and the STRATA_TEST_ATHENA_* settings are present:
//   STRATA_TEST_ATHENA_REGION, STRATA_TEST_ATHENA_S3_DATA (required), STRATA_TEST_ATHENA_S3_STAGING,
//   STRATA_TEST_ATHENA_WORKGROUP (optional). Builds a table twice (CTAS + rename swap) in a
//   throw-away Glue database, reads it back, and drops the database with its data.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { CompiledGraph, GraphAction } from "../../src/graph/types";
import { planAthena } from "../../src/plan/athena";
import type { ResolvedTarget } from "../../src/project/targets";
import { createAthenaWarehouse } from "../../src/warehouse/athena";
import type { Warehouse, WarehouseState } from "../../src/warehouse/warehouse";

const env = process.env;
const hasCredentials = Boolean(
  env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_WEB_IDENTITY_TOKEN_FILE || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
);
const configured = Boolean(env.STRATA_TEST_ATHENA_REGION && env.STRATA_TEST_ATHENA_S3_DATA);
const live = hasCredentials && configured;
if (!live) {
  console.info(
    "athena live test skipped: set AWS credentials (standard chain) and STRATA_TEST_ATHENA_REGION, STRATA_TEST_ATHENA_S3_DATA " +
      "[, STRATA_TEST_ATHENA_S3_STAGING, STRATA_TEST_ATHENA_WORKGROUP] to run it",
  );
}

describe.skipIf(!live)("Athena, live", () => {
  const database = `strata_test_${randomBytes(4).toString("hex")}`;
  const target: ResolvedTarget = {
    name: "athena-live",
    adapter: "athena",
    dialect: "athena",
    config: {
      adapter: "athena",
      region: env.STRATA_TEST_ATHENA_REGION,
      workgroup: env.STRATA_TEST_ATHENA_WORKGROUP ?? "primary",
      s3Data: env.STRATA_TEST_ATHENA_S3_DATA,
      ...(env.STRATA_TEST_ATHENA_S3_STAGING ? { s3Staging: env.STRATA_TEST_ATHENA_S3_STAGING } : {}),
    },
  };
  let warehouse: Warehouse;

  afterAll(async () => {
    if (!warehouse) return;
    await warehouse.execute(`drop database if exists \`${database}\` cascade`).catch(() => undefined);
    await warehouse.close();
  });

  it("runs a query, builds and rebuilds an Iceberg table, reads it back", async () => {
    warehouse = createAthenaWarehouse(target, { projectDir: process.cwd() });
    await warehouse.connect();
    const one = await warehouse.execute("select 1 as one, 'a' as letter, cast(null as varchar) as nothing");
    expect(one.rows).toEqual([{ one: 1, letter: "a", nothing: null }]);

    const tableTarget = { schema: database, name: "numbers" };
    const action = {
      kind: "table",
      target: tableTarget,
      canonicalTarget: tableTarget,
      type: "table",
      enumType: "TABLE",
      query: "select n from unnest(sequence(1, 10)) as t(n)",
      dependencyTargets: [],
      tags: [],
      fileName: "live.sqlx",
    } as GraphAction;
    const graph = { projectConfig: { warehouse: "athena", defaultSchema: database, assertionSchema: database } } as CompiledGraph;
    for (const runId of ["live1", "live2"]) {
      const state: WarehouseState = await warehouse.readState([tableTarget]);
      const plan = planAthena(action, state, { fullRefresh: false, runId, graph, target });
      for (const step of plan.steps) for (const sql of step.statements) await warehouse.execute(sql);
    }
    const sum = await warehouse.execute(`select sum(n) as total, count(*) as rows from "${database}"."numbers"`);
    expect(sum.rows).toEqual([{ total: 55, rows: 10 }]);
    expect(sum.bytesScanned).toBeGreaterThanOrEqual(0);
    const state = await warehouse.readState([tableTarget]);
    expect(state.relations.get(`${database}.numbers`)?.kind).toBe("table");
  });
});

// Access control against real engines: a real reader role whose denied reads fail with "permission
// denied" and whose allowed reads succeed (SET ROLE on the superuser connection), applied
// idempotently, revoking what the config no longer grants. PGlite always; PostgreSQL when reachable.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyAccessControl } from "../../src/access";
import type { Warehouse } from "../../src/warehouse/warehouse";
import { configOnlyGraph, dropRoles, openWarehouse, pgAvailable, pgliteTarget, pgTarget, tempDir, uniqueName } from "./helpers";

const hasPg = pgAvailable();
if (!hasPg) console.warn("access-apply: PostgreSQL on 127.0.0.1:5432 is not reachable; running on PGlite only");

for (const engine of ["pglite", ...(hasPg ? ["postgres"] : [])] as const) {
  describe(`access control on ${engine}`, () => {
    const id = uniqueName("h9acc");
    const reader = `${id}_bi_reader`;
    const loader = `${id}_loader`;
    const landing = `${id}_landing`;
    const marts = `${id}_marts`;
    let dir = "";
    let wh: Warehouse;

    beforeAll(async () => {
      dir = tempDir();
      wh = openWarehouse(engine === "pglite" ? pgliteTarget(`${dir}/wh`) : pgTarget());
      await wh.connect();
      await wh.execute(`create schema "${landing}"; create schema "${marts}";
        create table "${landing}".orders (id int); insert into "${landing}".orders values (1);
        create table "${marts}".daily_sales (n int); insert into "${marts}".daily_sales values (42);
        create view "${marts}".sales_view as select n from "${marts}".daily_sales`);
    }, 60_000);

    afterAll(async () => {
      await wh.execute(`drop schema if exists "${landing}" cascade; drop schema if exists "${marts}" cascade`).catch(() => undefined);
      await wh.close();
      if (engine === "postgres") await dropRoles(reader, loader);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Reads `relation` as `role`; returns the rows or the error message. */
    async function readAs(role: string, relation: string): Promise<string> {
      return wh.withSession(async (s) => {
        await s.execute(`set role "${role}"`);
        try {
          const r = await s.execute(`select * from ${relation}`);
          return `rows:${r.rows.length}`;
        } catch (err) {
          return (err as Error).message;
        } finally {
          await s.execute("reset role");
        }
      });
    }

    const access = (roles: Record<string, unknown>) => configOnlyGraph({ access: { createRoles: true, roles } });

    it("creates the roles, lets bi_reader read marts only and nobody but the loader read landing", async () => {
      const plan = await applyAccessControl(wh, access({ [reader]: { read: [marts] }, [loader]: { read: [landing], write: [landing] } }));
      expect(plan!.statements).toContain(`create role "${reader}" nologin`);
      expect(await readAs(reader, `"${marts}".daily_sales`)).toBe("rows:1");
      expect(await readAs(reader, `"${marts}".sales_view`)).toBe("rows:1");
      expect(await readAs(reader, `"${landing}".orders`)).toMatch(/permission denied for schema/);
      expect(await readAs(loader, `"${landing}".orders`)).toBe("rows:1");
      expect(await readAs(loader, `"${marts}".daily_sales`)).toMatch(/permission denied for schema/);
    });

    it("is idempotent: a second apply has nothing to do", async () => {
      const plan = await applyAccessControl(wh, access({ [reader]: { read: [marts] }, [loader]: { read: [landing], write: [landing] } }));
      expect(plan!.statements).toEqual([]);
    });

    it("revokes what the config no longer grants, table by table", async () => {
      const plan = await applyAccessControl(wh, access({ [reader]: { read: [marts], except: [`${marts}.daily_sales`] }, [loader]: { read: [landing], write: [landing] } }));
      expect(plan!.statements).toEqual([`revoke select on "${marts}"."daily_sales" from "${reader}"`]);
      expect(await readAs(reader, `"${marts}".daily_sales`)).toMatch(/permission denied for table daily_sales/);
      expect(await readAs(reader, `"${marts}".sales_view`)).toBe("rows:1");
    });

    it("a missing role without createRoles fails with a clear message and changes nothing", async () => {
      const ghost = `${id}_ghost`;
      await expect(applyAccessControl(wh, configOnlyGraph({ access: { roles: { [ghost]: { read: [marts] }, [reader]: { read: [] } } } }))).rejects.toThrow(
        `access: role "${ghost}" does not exist; create it, or set "createRoles": true under "access" in dataform.json`,
      );
      expect(await readAs(reader, `"${marts}".sales_view`)).toBe("rows:1");
    });
  });
}

// The two engines plan SQL must run on: PGlite (PostgreSQL 18 in WASM, in memory) and the real
// PostgreSQL 15 server on 127.0.0.1:5432 (absent → its tests are skipped with a message).
import { PGlite } from "@electric-sql/pglite";
import { Client } from "pg";
import type { ActionPlan } from "../../src/plan/plan";
import { readState } from "../../src/warehouse/postgres-introspector";
import type { QueryResult, Session, WarehouseState } from "../../src/warehouse/warehouse";
import type { Target } from "../../src/graph/types";

export interface Engine {
  name: string;
  session: Session;
  /** Several statements at once (test setup). */
  script(sql: string): Promise<void>;
  /** A second connection (the server only: PGlite has one). */
  other?: Session;
  close(): Promise<void>;
}

export const SERVER = { host: "127.0.0.1", port: 5432, user: "postgres", database: "test" };

export async function serverIsUp(): Promise<boolean> {
  const client = new Client({ ...SERVER, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function openPglite(): Promise<Engine> {
  const db = new PGlite();
  await db.waitReady;
  return {
    name: "PGlite",
    session: {
      async execute(sql: string): Promise<QueryResult> {
        const r = await db.query<Record<string, unknown>>(sql);
        return { rows: r.rows, fields: r.fields.map((f) => ({ name: f.name })), rowCount: r.affectedRows };
      },
    },
    script: async (sql) => {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}

function clientSession(client: Client): Session {
  return {
    async execute(sql: string): Promise<QueryResult> {
      const r = await client.query(sql);
      return { rows: r.rows, fields: r.fields.map((f) => ({ name: f.name })), rowCount: r.rowCount ?? undefined };
    },
  };
}

export async function openServer(): Promise<Engine> {
  const a = new Client(SERVER);
  const b = new Client(SERVER);
  await a.connect();
  await b.connect();
  return {
    name: "PostgreSQL 15",
    session: clientSession(a),
    script: async (sql) => {
      await a.query(sql);
    },
    other: clientSession(b),
    close: async () => {
      await a.end();
      await b.end();
    },
  };
}

/** Executes a plan as the runner does: steps in order, transactional ones in BEGIN … COMMIT; cleanup on failure. */
export async function runPlan(session: Session, plan: ActionPlan): Promise<void> {
  try {
    for (const step of plan.steps) {
      if (step.transactional) await session.execute("begin");
      try {
        for (const sql of step.statements) await session.execute(sql);
        if (step.transactional) await session.execute("commit");
      } catch (err) {
        if (step.transactional) await session.execute("rollback");
        throw err;
      }
    }
  } catch (err) {
    for (const sql of plan.cleanup) await session.execute(sql).catch(() => undefined);
    throw err;
  }
}

export function stateOf(session: Session, ...targets: Target[]): Promise<WarehouseState> {
  return readState(session, targets);
}

export function uniqueSuffix(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

export async function rows(session: Session, sql: string): Promise<Record<string, unknown>[]> {
  return (await session.execute(sql)).rows;
}

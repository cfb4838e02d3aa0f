// Opening postgres-adapter warehouses in tests, and picking free local ports.
import net from "node:net";
import type { ResolvedTarget } from "../../src/project/targets";
import { createWarehouse } from "../../src/warehouse";
import type { Warehouse } from "../../src/warehouse/warehouse";

export function target(config: Record<string, unknown>, name = "pg"): ResolvedTarget {
  return { name, adapter: "postgres", dialect: "postgres", config: { adapter: "postgres", ...config } };
}

export function open(config: Record<string, unknown>, options: { concurrency?: number; statementTimeoutMs?: number } = {}): Warehouse {
  return createWarehouse(target(config), { projectDir: ".", ...options });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}


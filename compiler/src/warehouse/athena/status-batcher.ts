// Query status look-ups, coalesced: every query waiting in the same tick is asked about in one
// BatchGetQueryExecution (up to 50 ids a call) instead of one GetQueryExecution each, which keeps
// a wide DAG under Athena's API rate limits.
import { BatchGetQueryExecutionCommand, GetQueryExecutionCommand, type QueryExecution } from "@aws-sdk/client-athena";
import { WarehouseError } from "../warehouse-error";

const BATCH_LIMIT = 50;

type Send = (command: GetQueryExecutionCommand | BatchGetQueryExecutionCommand) => Promise<unknown>;

interface Waiter {
  resolve: (execution: QueryExecution) => void;
  reject: (err: unknown) => void;
}

export class StatusBatcher {
  private pending = new Map<string, Waiter[]>();
  private scheduled = false;

  constructor(private readonly send: Send) {}

  statusOf(queryId: string): Promise<QueryExecution> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(queryId) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(queryId, waiters);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const ids = [...batch.keys()];
    const settle = (id: string, fn: (w: Waiter) => void) => batch.get(id)?.forEach(fn);
    if (ids.length === 1) {
      try {
        const out = (await this.send(new GetQueryExecutionCommand({ QueryExecutionId: ids[0] }))) as { QueryExecution?: QueryExecution };
        settle(ids[0], (w) => w.resolve(out.QueryExecution ?? { QueryExecutionId: ids[0] }));
      } catch (err) {
        settle(ids[0], (w) => w.reject(err));
      }
      return;
    }
    for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
      const chunk = ids.slice(i, i + BATCH_LIMIT);
      try {
        const out = (await this.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: chunk }))) as {
          QueryExecutions?: QueryExecution[];
          UnprocessedQueryExecutionIds?: { QueryExecutionId?: string; ErrorMessage?: string }[];
        };
        const seen = new Set<string>();
        for (const execution of out.QueryExecutions ?? []) {
          if (!execution.QueryExecutionId) continue;
          seen.add(execution.QueryExecutionId);
          settle(execution.QueryExecutionId, (w) => w.resolve(execution));
        }
        for (const id of chunk) {
          if (seen.has(id)) continue;
          const why = out.UnprocessedQueryExecutionIds?.find((u) => u.QueryExecutionId === id)?.ErrorMessage ?? "not returned by BatchGetQueryExecution";
          settle(id, (w) => w.reject(new WarehouseError(`cannot read the status of Athena query ${id}: ${why}`)));
        }
      } catch (err) {
        for (const id of chunk) settle(id, (w) => w.reject(err));
      }
    }
  }
}

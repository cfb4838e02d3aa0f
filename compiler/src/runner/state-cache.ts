// Warehouse state for planning, read once for every selected target at the start of a run and
// refreshed only where the run itself may have changed it. Reading the catalog once per action
// would cost a round trip per model; the plan of an action only needs its own target, which no
// other action writes — except `operations`, which may run any SQL, so after one runs every
// cached entry is re-read before it is used again.
import { targetKey } from "../graph/select";
import type { GraphAction, Target } from "../graph/types";
import type { NewRows, Warehouse, WarehouseState } from "../warehouse/warehouse";

export function emptyState(): WarehouseState {
  return { relations: new Map(), schemas: new Set() };
}

export class StateCache {
  private readonly state: WarehouseState = emptyState();
  /** key → the epoch at which it was read; an entry older than `epoch` is stale. */
  private readonly readAt = new Map<string, number>();
  private epoch = 0;

  constructor(private readonly warehouse: Pick<Warehouse, "readState">) {}

  /** One catalog read for all the targets the run will plan. */
  async prime(targets: Target[]): Promise<void> {
    await this.refresh(targets);
  }

  /** The state to plan `action` against, re-reading its target first if it may have changed. */
  async stateFor(action: GraphAction): Promise<WarehouseState> {
    const key = targetKey(action.target);
    const at = this.readAt.get(key);
    if (at === undefined || at < this.epoch) await this.refresh([action.target]);
    return this.state;
  }

  /** After an action ran (or failed half-way): its own target must be read again. */
  changed(action: GraphAction): void {
    this.readAt.delete(targetKey(action.target));
    // Operations may touch anything.
    if (action.kind === "operation") this.epoch++;
  }

  /** An incremental update kept the rows it wrote (for its inline assertions). */
  wroteNewRows(action: GraphAction, rows: NewRows): void {
    (this.state.newRows ??= new Map()).set(targetKey(action.target), rows);
  }

  /** The action succeeded, so its schema exists now, whatever the first read said. */
  built(action: GraphAction): void {
    this.state.schemas.add(action.target.schema);
  }

  private async refresh(targets: Target[]): Promise<void> {
    if (targets.length === 0) return;
    const fresh = await this.warehouse.readState(targets);
    for (const t of targets) {
      const key = targetKey(t);
      this.state.relations.delete(key);
      const info = fresh.relations.get(key);
      if (info) this.state.relations.set(key, info);
      this.readAt.set(key, this.epoch);
    }
    // Relations the driver reported beyond those asked for (none expected) are kept too.
    for (const [key, info] of fresh.relations) if (!this.state.relations.has(key)) this.state.relations.set(key, info);
    for (const s of fresh.schemas) this.state.schemas.add(s);
  }
}

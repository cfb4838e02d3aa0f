// loadLanding on the embedded engine. COPY chunks are kept small so a file spans several COPY
// statements: a bad last row must still leave no rows behind.
import { PgliteWarehouse } from "../../src/warehouse/pglite";
import { describeLoading } from "./load-scenarios";

describeLoading("loadLanding on PGlite", () => new PgliteWarehouse({ copyChunkBytes: 64 * 1024 }));

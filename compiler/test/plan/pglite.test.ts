// PostgreSQL plans executed on PGlite (PostgreSQL 18 in WASM, in memory).
import { describe } from "vitest";
import { openPglite } from "./engines";
import { planScenarios } from "./scenarios";

describe("PostgreSQL plans on PGlite", () => planScenarios(openPglite));

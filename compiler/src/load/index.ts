// Landing-file ingestion with schema contracts: the API the CLI (`strata load`) and the runner use.
export { loadLanding, selectContracts, type LoadLandingOptions, type LoadReport, type LoadEvent, type FileResult, type FileStatus } from "./load-landing";
export { quarantinedSources, MANIFEST_TABLE, type QuarantinedFile } from "./manifest";
export {
  discoverContracts,
  parseContract,
  readContract,
  COLUMN_TYPES,
  LANDING_FORMATS,
  METADATA_COLUMNS,
  type LandingContract,
  type ContractColumn,
  type ColumnType,
  type LandingFormat,
} from "./contract";

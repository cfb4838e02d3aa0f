// Access control from config: parse (access-config), plan (plan-access, pure), apply (apply-access).
export { parseAccessConfig, type AccessConfig, type RoleRules } from "./access-config";
export { planAccess, managedSchemas, type AccessCatalog, type AccessPlan } from "./plan-access";
export { readAccessCatalog } from "./read-access-catalog";
export { applyAccessControl, applyAccessAfterRun, validateAccessConfig, projectSchemas } from "./apply-access";

/** The store's public API: other folders import from here, not from its files. */
export type {
  FindingRow,
  HostResult,
  InventoryRow,
  RunEndStatus,
  RunMeta,
  RunRow,
  RunStatus,
  RunSummary,
  ServiceResult,
  ServiceRow,
  Store,
} from './store.ts';
export { RUN_END_STATUSES } from './store.ts';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export { StoreError, StoreValidationError, type StoreErrorCode, type ValidationIssue } from './errors.ts';

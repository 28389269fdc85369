/** The store's public API: other folders import from here, not from its files. */
export type {
  FindingLifecycleRow,
  HoneypotAssessor,
  HoneypotPass,
  HoneypotTally,
  FindingRef,
  FindingRow,
  FiredRule,
  HostBatch,
  HostResult,
  InventoryRow,
  PageRequest,
  RunProgress,
  RecordOptions,
  RunEndStatus,
  RunMeta,
  RunRow,
  RunStatus,
  RunSummary,
  ScanCheckpoint,
  ScanCounters,
  ScanStore,
  ScopeRun,
  ServiceFindingsRow,
  ServiceResult,
  ServiceRow,
  StoreKeeper,
  StoreReader,
  StoreSink,
} from './store.ts';
export { RUN_END_STATUSES } from './store.ts';
export { BREAKDOWNS } from './aggregates.ts';
export type { AggregateView } from './aggregate-queries.ts';
export type { FindingFilter, FindingListRow, FindingOrder, FindingPage } from './finding-list.ts';
export type {
  Breakdown,
  BreakdownRow,
  CountSum,
  ImageDistribution,
  RuleCountRow,
  RunCounts,
  RunTotals,
  ServerRow,
  StoredHostGeo,
} from './aggregates.ts';
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite.ts';
export { openHoneypotPass, openStoreKeeper, openStoreReader, openStoreSink, storeLabel, type KeptStore, type StoreOptions } from './open-store.ts';
export { keepingHoneypots } from './keep-honeypots.ts';
export { isPostgresUrl } from './postgres/connect.ts';
export { openPostgresStore, PostgresStore, type PostgresStoreOptions, type StoreTransaction } from './postgres/store.ts';
export { StoreError, StoreValidationError, type StoreErrorCode, type ValidationIssue } from './errors.ts';
export { lifecycleRuns, namedScope, previousRun, runsOfScope, runsToPrune, scopeKeyOf, verifiesOf, SCOPE_KEY, VERIFIES_KEY, type Verifies } from './scope-runs.ts';

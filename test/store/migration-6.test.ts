/**
 * Migration 6 on a file written in the layout before it: every finding with
 * its rule's full text, every observation whole as JSON, a checkpoint row per
 * host. The rows are written here by hand, as the store of schema 5 wrote
 * them; the migrated file must read back what a file written today does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import type { Finding } from '../../src/observation/finding.ts';
import { ipSortKey } from '../../src/observation/address-order.ts';
import { isExposed } from '../../src/observation/exposed.ts';
import { Observation } from '../../src/observation/observation.ts';
import { APPLICATION_ID, MIGRATIONS } from '../../src/store/migrations.ts';
import { openSqliteStore, type HostResult, type RunSummary, type SqliteStore } from '../../src/store/index.ts';
import { EVERY_HOST } from './every-observation.ts';
import { FIXED_NOW, fixedClock, RUN_META, withDbFile } from './fixtures.ts';

const COUNTED = ['patients', 'studies', 'series', 'images', 'files', 'bytes'] as const;
const AT = FIXED_NOW.toISOString();
const SUMMARY: RunSummary = { targetsTotal: 64, hostsDone: 40, openPorts: 31, excluded: 0, status: 'completed' };

/** The first run: every fixture. The second: a few hosts again, one rule reworded since. */
const RUNS: ReadonlyArray<readonly HostResult[]> = [
  EVERY_HOST,
  EVERY_HOST.slice(0, 6).map((h) => ({
    ...h,
    services: h.services.map((s) => ({ ...s, findings: s.findings.map((f): Finding => (f.ruleId === 'EXP-DICOM-002' ? { ...f, title: `${f.title} (reworded)` } : f)) })),
  })),
];

/** A schema-5 file, written row by row as the store wrote it then. */
function writeSchema5(path: string): void {
  const db = new Database(path);
  try {
    db.function('exposure_ip_key', { deterministic: true }, (ip: unknown) => ipSortKey(String(ip)));
    db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const m of MIGRATIONS.filter((m) => m.version <= 5)) db.exec(m.sql);
    db.pragma('user_version = 5');
    const run = db.prepare(
      `INSERT INTO runs (started_at, status, targets, ports, options, calling_ae_title, user_agent, finished_at, targets_total, hosts_done, open_ports, excluded)
       VALUES (?, 'completed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const host = db.prepare('INSERT INTO hosts (run_id, ip, hostname) VALUES (?, ?, ?)');
    const service = db.prepare(
      `INSERT INTO services (run_id, host_id, ip, port, protocol, tls, status, product, version, started_at, duration_ms, exposed,
         patients, patients_at_least, studies, studies_at_least, series, series_at_least, images, images_at_least,
         files, files_at_least, bytes, bytes_at_least, ip_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const observation = db.prepare('INSERT INTO observations (service_id, json) VALUES (?, ?)');
    const finding = db.prepare(
      `INSERT INTO findings (run_id, service_id, rule_id, severity, title, evidence, remediation, "references", cwe) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const inventory = db.prepare('INSERT INTO inventories (service_id, keyword, tag, class, present, records) VALUES (?, ?, ?, ?, ?, ?)');
    const checkpoint = db.prepare('INSERT INTO checkpoints (run_id, ip, done_at) VALUES (?, ?, ?)');
    for (const hosts of RUNS) {
      const m = RUN_META;
      const s = SUMMARY;
      const runId = run.run(AT, JSON.stringify(m.targets), JSON.stringify(m.ports), JSON.stringify(m.options), m.scanner.callingAeTitle, m.scanner.userAgent, AT, s.targetsTotal, s.hostsDone, s.openPorts, s.excluded).lastInsertRowid;
      for (const h of hosts) {
        const hostId = host.run(runId, h.ip, h.hostname ?? null).lastInsertRowid;
        for (const { observation: raw, findings } of h.services) {
          const o = Observation.parse(raw);
          const counts = COUNTED.flatMap((k) => (o.exposure[k] ? [o.exposure[k].n, o.exposure[k].atLeast ? 1 : 0] : [null, null]));
          const id = service.run(runId, hostId, o.endpoint.ip, o.endpoint.port, o.protocol, o.tls ? 1 : 0, o.status, o.product?.name ?? null, o.product?.version ?? null,
            o.startedAt, o.durationMs, isExposed(o) ? 1 : 0, ...counts, ipSortKey(o.endpoint.ip)).lastInsertRowid;
          observation.run(id, JSON.stringify(o));
          for (const f of findings) finding.run(runId, id, f.ruleId, f.severity, f.title, f.evidence, f.remediation, JSON.stringify(f.references), f.cwe ?? null);
          for (const a of o.inventory?.attributes ?? []) inventory.run(id, a.keyword, a.tag, a.class, a.present, o.inventory!.records);
        }
        checkpoint.run(runId, h.ip, AT);
      }
    }
  } finally {
    db.close();
  }
}

/** Everything a reader answers about a run. */
async function readAll(store: SqliteStore, runId: number): Promise<unknown> {
  return {
    run: await store.run(runId),
    services: await store.services(runId),
    findings: await store.findings(runId),
    byRule: await store.findingsByRule(runId),
    inventory: await store.inventory(runId),
    totals: await store.runTotals(runId),
    counts: await store.runCounts(runId),
    done: await Promise.all(RUNS[0]!.map((h) => store.isHostDone(runId, h.ip))),
  };
}

test('migration 6 turns a schema-5 file into the compact layout and every read answers as for a file written today', async () => {
  await withDbFile('exposure-migrate-', async (today) => {
    const store = openSqliteStore(today, { now: fixedClock });
    const expected: unknown[] = [];
    try {
      for (const hosts of RUNS) {
        const runId = await store.startRun(RUN_META);
        await store.recordHosts(runId, { hosts });
        await store.finishRun(runId, SUMMARY);
        expected.push(await readAll(store, runId));
      }
    } finally {
      await store.close();
    }

    await withDbFile('exposure-migrate-', async (old) => {
      writeSchema5(old);
      const migrated = openSqliteStore(old, { now: fixedClock });
      try {
        for (const [i, want] of expected.entries()) assert.deepEqual(await readAll(migrated, i + 1), want, `run ${i + 1}`);
      } finally {
        await migrated.close();
      }
      const db = new Database(old, { readonly: true });
      const fresh = new Database(today, { readonly: true });
      try {
        const json = (d: Database.Database): unknown[] => (d.prepare('SELECT json FROM observations ORDER BY service_id').pluck().all() as string[]).map((j) => JSON.parse(j));
        assert.deepEqual(json(db), json(fresh), 'the same JSON as the write path stores');
        const texts = (d: Database.Database): unknown[] => d.prepare('SELECT rule_id, title, remediation, "references", cwe FROM rule_texts ORDER BY 1, 2').all();
        assert.deepEqual(texts(db), texts(fresh), 'one row per distinct text, the reworded rule twice');
        const columns = (table: string): string[] => (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]);
        assert.deepEqual(columns('findings'), ['id', 'run_id', 'service_id', 'rule_id', 'severity', 'rule_text_id', 'evidence']);
        assert.equal(db.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'checkpoints'`).pluck().get(), 0);
        const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'findings' ORDER BY name`).pluck().all();
        assert.deepEqual(indexes, ['findings_rule', 'findings_run', 'findings_service']);
      } finally {
        db.close();
        fresh.close();
      }
    });
  });
});

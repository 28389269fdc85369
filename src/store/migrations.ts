/**
 * Numbered schema migrations for the SQLite store.
 *
 * PRAGMA user_version holds the number of the last migration applied;
 * PRAGMA application_id marks the file as ours, so a report pointed at some
 * other SQLite file says so instead of printing an empty run list.
 * Migrations are append-only: never edit one that has shipped, add the next.
 */

/** "EXPO" in ASCII: stored in the SQLite header (offset 68). */
export const APPLICATION_ID = 0x4558504f;

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, hosts, services, observations, findings, inventories, checkpoints',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'interrupted', 'failed')),
        targets TEXT NOT NULL,        -- json array of target specs as given
        ports TEXT NOT NULL,          -- json array of port numbers
        options TEXT NOT NULL,        -- json object
        calling_ae_title TEXT NOT NULL,
        user_agent TEXT NOT NULL,
        targets_total INTEGER,
        hosts_done INTEGER,
        open_ports INTEGER,
        excluded INTEGER
      );

      -- Per run: a host's name and (later) geo data are as of that run.
      CREATE TABLE hosts (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        ip TEXT NOT NULL,
        hostname TEXT,
        country TEXT,
        asn INTEGER,
        org TEXT,
        UNIQUE (run_id, ip)
      );

      CREATE TABLE services (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        host_id INTEGER NOT NULL REFERENCES hosts(id) ON DELETE CASCADE,
        ip TEXT NOT NULL,
        port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
        protocol TEXT NOT NULL,
        tls INTEGER NOT NULL CHECK (tls IN (0, 1)),
        status TEXT NOT NULL,
        product TEXT,
        version TEXT,
        started_at TEXT NOT NULL,
        duration_ms REAL NOT NULL,
        UNIQUE (run_id, ip, port, protocol)
      );
      CREATE INDEX services_host ON services(host_id);

      -- The whole validated Observation: the flattened tables are for queries,
      -- this is the record of what the probe returned.
      CREATE TABLE observations (
        service_id INTEGER PRIMARY KEY REFERENCES services(id) ON DELETE CASCADE,
        json TEXT NOT NULL
      );

      CREATE TABLE findings (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
        title TEXT NOT NULL,
        evidence TEXT NOT NULL,
        remediation TEXT NOT NULL,
        "references" TEXT NOT NULL,   -- json array of strings
        cwe TEXT
      );
      CREATE INDEX findings_run ON findings(run_id, severity);
      CREATE INDEX findings_service ON findings(service_id);

      CREATE TABLE inventories (
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        keyword TEXT NOT NULL,
        tag TEXT NOT NULL,
        class TEXT NOT NULL,
        present INTEGER NOT NULL,     -- records in which the attribute was non-empty
        records INTEGER NOT NULL,     -- records read from this service
        PRIMARY KEY (service_id, tag)
      );

      CREATE TABLE checkpoints (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        ip TEXT NOT NULL,
        done_at TEXT NOT NULL,
        PRIMARY KEY (run_id, ip)
      );
    `,
  },
  {
    version: 2,
    description: 'resume checkpoints that scale: a step watermark per run and the steps done above it',
    sql: `
      -- Steps are positions in the run's target order (permutation steps or
      -- result-file entries). Every step below the watermark is done; steps
      -- done above it are listed in scan_steps until the watermark passes them.
      CREATE TABLE scan_progress (
        run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
        watermark INTEGER NOT NULL,
        counters TEXT NOT NULL,       -- json: hosts done, open ports, unreachable, services, findings
        updated_at TEXT NOT NULL
      );
      CREATE TABLE scan_steps (
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL,
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

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
    description: 'geo labels and sources on hosts; exposure counts and the exposed flag flattened onto services',
    // The backfill reads the stored observations with SQLite's JSON functions:
    // a migration is per-engine; the queries that read these columns are not.
    sql: `
      ALTER TABLE hosts ADD COLUMN space TEXT;       -- 'public' or a special-purpose label (geo/special.ts); NULL: not looked up yet
      ALTER TABLE hosts ADD COLUMN geo_source TEXT;  -- json: which databases (package, version, date) gave country/asn/org
      ALTER TABLE services ADD COLUMN exposed INTEGER NOT NULL DEFAULT 0 CHECK (exposed IN (0, 1));
      ALTER TABLE services ADD COLUMN patients INTEGER;
      ALTER TABLE services ADD COLUMN patients_at_least INTEGER;
      ALTER TABLE services ADD COLUMN studies INTEGER;
      ALTER TABLE services ADD COLUMN studies_at_least INTEGER;
      ALTER TABLE services ADD COLUMN series INTEGER;
      ALTER TABLE services ADD COLUMN series_at_least INTEGER;
      ALTER TABLE services ADD COLUMN images INTEGER;
      ALTER TABLE services ADD COLUMN images_at_least INTEGER;
      ALTER TABLE services ADD COLUMN files INTEGER;
      ALTER TABLE services ADD COLUMN files_at_least INTEGER;
      ALTER TABLE services ADD COLUMN bytes INTEGER;
      ALTER TABLE services ADD COLUMN bytes_at_least INTEGER;
      UPDATE services SET
        patients = (SELECT json_extract(o.json, '$.exposure.patients.n') FROM observations o WHERE o.service_id = services.id),
        patients_at_least = (SELECT json_extract(o.json, '$.exposure.patients.atLeast') FROM observations o WHERE o.service_id = services.id),
        studies = (SELECT json_extract(o.json, '$.exposure.studies.n') FROM observations o WHERE o.service_id = services.id),
        studies_at_least = (SELECT json_extract(o.json, '$.exposure.studies.atLeast') FROM observations o WHERE o.service_id = services.id),
        series = (SELECT json_extract(o.json, '$.exposure.series.n') FROM observations o WHERE o.service_id = services.id),
        series_at_least = (SELECT json_extract(o.json, '$.exposure.series.atLeast') FROM observations o WHERE o.service_id = services.id),
        images = (SELECT json_extract(o.json, '$.exposure.images.n') FROM observations o WHERE o.service_id = services.id),
        images_at_least = (SELECT json_extract(o.json, '$.exposure.images.atLeast') FROM observations o WHERE o.service_id = services.id),
        files = (SELECT json_extract(o.json, '$.exposure.files.n') FROM observations o WHERE o.service_id = services.id),
        files_at_least = (SELECT json_extract(o.json, '$.exposure.files.atLeast') FROM observations o WHERE o.service_id = services.id),
        bytes = (SELECT json_extract(o.json, '$.exposure.bytes.n') FROM observations o WHERE o.service_id = services.id),
        bytes_at_least = (SELECT json_extract(o.json, '$.exposure.bytes.atLeast') FROM observations o WHERE o.service_id = services.id);
      UPDATE services SET exposed = 1 WHERE id IN (
        SELECT o.service_id FROM observations o
        WHERE json_extract(o.json, '$.details.protocol') = 'dicom'
          AND json_extract(o.json, '$.details.find.matches') > 0
          AND (json_extract(o.json, '$.details.find.outcome') = 'success' OR json_extract(o.json, '$.details.find.capped') = 1)
      );
      CREATE INDEX services_run_exposed ON services(run_id, exposed);
      CREATE INDEX findings_rule ON findings(run_id, rule_id);
    `,
  },
  {
    version: 3,
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
  {
    version: 4,
    description: 'a DICOM service is exposed when its C-FIND returned any match, however the exchange ended',
    // observation/exposed.ts counts matches read before a timeout, an abort or a broken response as
    // well; rows stored under the earlier rule (success or capped only) follow it.
    sql: `
      UPDATE services SET exposed = 1 WHERE exposed = 0 AND id IN (
        SELECT o.service_id FROM observations o
        WHERE json_extract(o.json, '$.details.protocol') = 'dicom'
          AND json_extract(o.json, '$.details.find.matches') > 0
      );
    `,
  },
  {
    version: 5,
    description: 'services carry their place in report order, indexed, so reports read them sorted a page at a time',
    // exposure_ip_key is observation/address-order.ts, registered on every connection by open.ts.
    sql: `
      ALTER TABLE services ADD COLUMN ip_key TEXT;
      UPDATE services SET ip_key = exposure_ip_key(ip);
      CREATE INDEX services_report_order ON services(run_id, ip_key, port, protocol);
    `,
  },
  {
    version: 6,
    description: 'a compact store: rule texts once each, observations without what columns hold, no checkpoint row per host',
    // A finding points at the exact text it was assessed with (rule_texts, one row per distinct text):
    // an old run renders with its own words after a rule's text changes. Severity and rule id stay on
    // the finding, where totals, aggregates and diffs group on them. The observation JSON keeps only
    // what no column of services and no inventories row holds (store/stored-observation.ts).
    // Resume reads scan_progress and scan_steps; a host is recorded when it has a hosts row.
    sql: `
      CREATE TABLE rule_texts (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        title TEXT NOT NULL,
        remediation TEXT NOT NULL,
        "references" TEXT NOT NULL,   -- json array of strings
        cwe TEXT NOT NULL,            -- '' when the rule names none: NULLs would never be equal in the UNIQUE below
        UNIQUE (rule_id, title, remediation, "references", cwe)
      );
      INSERT INTO rule_texts (rule_id, title, remediation, "references", cwe)
        SELECT rule_id, title, remediation, "references", coalesce(cwe, '') FROM findings
        GROUP BY rule_id, title, remediation, "references", coalesce(cwe, '')
        ORDER BY min(id);

      CREATE TABLE findings_compact (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
        rule_text_id INTEGER NOT NULL REFERENCES rule_texts(id),
        evidence TEXT NOT NULL
      );
      INSERT INTO findings_compact (id, run_id, service_id, rule_id, severity, rule_text_id, evidence)
        SELECT f.id, f.run_id, f.service_id, f.rule_id, f.severity, t.id, f.evidence
        FROM findings f JOIN rule_texts t
          ON t.rule_id = f.rule_id AND t.title = f.title AND t.remediation = f.remediation
         AND t."references" = f."references" AND t.cwe = coalesce(f.cwe, '');
      DROP TABLE findings;
      ALTER TABLE findings_compact RENAME TO findings;
      CREATE INDEX findings_run ON findings(run_id, severity);
      CREATE INDEX findings_service ON findings(service_id);
      CREATE INDEX findings_rule ON findings(run_id, rule_id);

      UPDATE observations SET json = json_remove(
        CASE WHEN json_extract(json, '$.endpoint.hostname') IS NULL THEN json_remove(json, '$.endpoint')
             ELSE json_remove(json, '$.endpoint.ip', '$.endpoint.port') END,
        '$.protocol', '$.status', '$.startedAt', '$.durationMs', '$.tls', '$.exposure', '$.product.name', '$.product.version');
      UPDATE observations SET json = json_remove(json, '$.inventory')
        WHERE json_array_length(json, '$.inventory.attributes') > 0;

      DROP TABLE checkpoints;
    `,
  },
  {
    version: 7,
    description: 'which geo databases labelled a run\'s hosts, once per run, not on every host; hosts never labelled found by an index of their own',
    // A run's hosts are labelled by one set of geo databases, rarely two (geo filled later by a newer
    // package): the text naming them (cli/geo.ts sourceText) is a row of geo_sources, and a host
    // points at it. Readers see the same texts (geoSources). Few hosts, usually none, lack geo:
    // the partial index lists them without a read of every host.
    sql: `
      CREATE TABLE geo_sources (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        UNIQUE (run_id, source)
      );
      INSERT INTO geo_sources (run_id, source)
        SELECT DISTINCT run_id, geo_source FROM hosts WHERE geo_source IS NOT NULL ORDER BY run_id, geo_source;
      ALTER TABLE hosts ADD COLUMN geo_source_id INTEGER REFERENCES geo_sources(id);
      UPDATE hosts SET geo_source_id = (SELECT g.id FROM geo_sources g WHERE g.run_id = hosts.run_id AND g.source = hosts.geo_source)
        WHERE geo_source IS NOT NULL;
      ALTER TABLE hosts DROP COLUMN geo_source;
      CREATE INDEX hosts_without_geo ON hosts(run_id, ip) WHERE space IS NULL;
    `,
  },
  {
    version: 8,
    description: "each DICOM service's honeypot assessment: level, score and signals, which the study's tables read",
    // Written by the pass at a run's end (sql-store.ts assessHoneypots); NULL: not assessed (not DICOM, or stored
    // before this version), counted like an archive. The aggregates leave out 'likely' unless asked to keep it.
    sql: `
      ALTER TABLE services ADD COLUMN honeypot TEXT CHECK (honeypot IN ('likely', 'possible', 'unlikely'));
      ALTER TABLE services ADD COLUMN honeypot_score INTEGER;
      ALTER TABLE services ADD COLUMN honeypot_signals TEXT;  -- json array of signal names (observation/honeypot.ts)
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

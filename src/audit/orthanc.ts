/**
 * Orthanc's configuration: one JSON-with-comments file, or every `*.json` of
 * a folder merged (as `Orthanc /etc/orthanc/` reads them, an option defined
 * twice being an error). Defaults are those of Orthanc 1.10.1 (`Orthanc
 * --config=-`, the version Debian ships), and the two security rules Orthanc
 * 1.5.8 to 1.12.8 add: AuthenticationEnabled defaults to RemoteAccessAllowed,
 * and with remote access, authentication and no RegisteredUsers, Orthanc
 * creates the user "orthanc" with the password "orthanc".
 */
import type { Node } from 'jsonc-parser';
import { DEFAULT_AE_TITLES, DEFAULT_CREDENTIALS } from '../probes/vendor-defaults.ts';
import { ConfigProblem, placeOf, type ConfigCause, type Place } from './finding.ts';
import { propertiesOf, type JsonProperty } from './jsonc.ts';
import type { AuditLimits } from './limits.ts';
import { nameText, positionOf, type ConfigText } from './text.ts';

export interface OrthancFile {
  readonly name: string;
  readonly text: ConfigText;
  readonly root: Node;
}

interface Option {
  readonly file: OrthancFile;
  readonly property: JsonProperty;
}

/** A boolean, string or number option with where it is set (undefined: absent, the default applies). */
interface Read<T> {
  readonly value: T;
  readonly option?: Option;
}

class OrthancOptions {
  constructor(
    private readonly options: ReadonlyMap<string, Option>,
    /** Where an absent option is reported: the first file of the group. */
    readonly home: string,
  ) {}

  get(name: string): Option | undefined {
    return this.options.get(name);
  }

  private typed<T>(name: string, fallback: T, type: Node['type'], what: string): Read<T> {
    const option = this.options.get(name);
    if (!option) return { value: fallback };
    if (option.property.value.type !== type) throw new ConfigProblem(`${where(option)}: ${name} must be ${what} (Orthanc refuses to start otherwise)`);
    return { value: option.property.value.value as T, option };
  }

  bool(name: string, fallback: boolean): Read<boolean> {
    return this.typed(name, fallback, 'boolean', 'true or false');
  }

  string(name: string, fallback: string): Read<string> {
    return this.typed(name, fallback, 'string', 'a string');
  }

  number(name: string, fallback: number): Read<number> {
    return this.typed(name, fallback, 'number', 'a number');
  }

  place(name: string, read: Read<unknown>, defaultText: string): Place {
    const o = read.option;
    return placeOf(o?.file.name ?? this.home, name, o ? positionOf(o.file.text, o.property.offset) : undefined, defaultText);
  }
}

function where(o: Option): string {
  const { line, column } = positionOf(o.file.text, o.property.offset);
  return `${o.file.name} line ${line}, column ${column}`;
}

/** The files of one Orthanc configuration as one set of options. */
export function mergeOrthanc(files: readonly OrthancFile[], limits: AuditLimits): OrthancOptions {
  const options = new Map<string, Option>();
  for (const file of files) {
    for (const property of propertiesOf(file.root).values()) {
      const earlier = options.get(property.name);
      if (earlier) throw new ConfigProblem(`${property.name} is set in both ${earlier.file.name} and ${file.name} (Orthanc refuses a folder defining an option twice)`);
      if (options.size >= limits.maxEntries) throw new ConfigProblem(`holds more than ${limits.maxEntries} options`);
      options.set(property.name, { file, property });
    }
  }
  return new OrthancOptions(options, files[0]?.name ?? '');
}

const GUESSABLE = new Set(DEFAULT_AE_TITLES.map((d) => d.aeTitle));
const ORTHANC_DEFAULT_LOGINS = DEFAULT_CREDENTIALS.filter((c) => c.product === 'Orthanc');
/** Hosts that match any address, or none that Orthanc could check. */
const WILDCARD_HOSTS = new Set(['', '*', '0.0.0.0', '::', '0/0', '0.0.0.0/0']);

export interface OrthancAudit {
  readonly causes: ConfigCause[];
  readonly notes: string[];
}

export function checkOrthanc(o: OrthancOptions): OrthancAudit {
  const out: OrthancAudit = { causes: [], notes: [] };
  if (o.bool('DicomServerEnabled', true).value) checkDicom(o, out);
  else out.notes.push('DicomServerEnabled is false: no DICOM port, DICOM checks do not apply');
  if (o.bool('HttpServerEnabled', true).value) checkHttp(o, out);
  else out.notes.push('HttpServerEnabled is false: no REST API or Orthanc Explorer, web checks do not apply');
  return out;
}

function checkDicom(o: OrthancOptions, out: OrthancAudit): void {
  const checkCalled = o.bool('DicomCheckCalledAet', false);
  const echo = o.bool('DicomAlwaysAllowEcho', true);
  const find = o.bool('DicomAlwaysAllowFind', false);
  const get = o.bool('DicomAlwaysAllowGet', false);
  const move = o.bool('DicomAlwaysAllowMove', false);
  const tls = o.bool('DicomTlsEnabled', false);
  const aet = o.string('DicomAet', 'ORTHANC');
  // Orthanc lets an unknown calling AE associate as soon as one "DicomAlwaysAllow*" serves it.
  const admitsUnknown = [echo, find, get, move, o.bool('DicomAlwaysAllowStore', true), o.bool('DicomAlwaysAllowFindWorklist', false)].some((r) => r.value);
  const c = out.causes;
  if (!checkCalled.value && echo.value) {
    c.push({
      ruleId: 'EXP-DICOM-002',
      place: o.place('DicomCheckCalledAet', checkCalled, 'false'),
      cause: 'Orthanc accepts an association whatever called AE title it is given, and answers C-ECHO from unknown callers (DicomAlwaysAllowEcho).',
      change: 'Set "DicomCheckCalledAet": true (and give "DicomAet" a site-specific title).',
    });
  }
  if (checkCalled.value && admitsUnknown && GUESSABLE.has(aet.value)) {
    c.push({
      ruleId: 'EXP-DICOM-003',
      place: o.place('DicomAet', aet, '"ORTHANC"'),
      cause: `The called AE title checked is "${aet.value}", a product default every scanner tries.`,
      change: 'Set "DicomAet" to a site-specific title, and admit only configured peers (DicomAlwaysAllow* false, DicomModalities listed).',
    });
  }
  if (find.value) {
    c.push({
      ruleId: 'EXP-DICOM-001',
      place: o.place('DicomAlwaysAllowFind', find, 'false'),
      cause: 'C-FIND is answered for any calling AE title, so anyone who reaches the port can list the studies.',
      change: 'Set "DicomAlwaysAllowFind": false and list the peers that may query in "DicomModalities".',
      dependsOnContent: { whenEmpty: 'EXP-DICOM-005' },
    });
  }
  if (get.value) {
    c.push({
      ruleId: 'EXP-CONF-001',
      place: o.place('DicomAlwaysAllowGet', get, 'false'),
      cause: 'C-GET is served to any calling AE title: anyone who reaches the port can download studies.',
      change: 'Set "DicomAlwaysAllowGet": false and grant AllowGet only to the DicomModalities entries that need it.',
    });
  }
  if (move.value) {
    c.push({
      ruleId: 'EXP-CONF-002',
      place: o.place('DicomAlwaysAllowMove', move, 'false'),
      cause: 'C-MOVE is served to any calling AE title.',
      change: 'Set "DicomAlwaysAllowMove": false and grant AllowMove only to the DicomModalities entries that need it.',
    });
  }
  if (!tls.value) {
    c.push({
      ruleId: 'EXP-DICOM-004',
      place: o.place('DicomTlsEnabled', tls, 'false'),
      cause: 'The DICOM port speaks plain TCP.',
      change: 'Set "DicomTlsEnabled": true with DicomTlsCertificate, DicomTlsPrivateKey and DicomTlsTrustedCertificates, or confine the port to a protected network.',
    });
  }
  checkModalities(o, out);
}

/** One [AET, host, port] or { "AET", "Host", "Port" } entry's host; undefined when it has none we can read. */
function modalityHost(entry: Node): string | undefined {
  if (entry.type === 'array') {
    const host = entry.children?.[1];
    return host?.type === 'string' ? String(host.value) : undefined;
  }
  if (entry.type === 'object') {
    const host = propertiesOf(entry).get('Host')?.value;
    return host?.type === 'string' ? String(host.value) : undefined;
  }
  return undefined;
}

function checkModalities(o: OrthancOptions, out: OrthancAudit): void {
  if (o.bool('DicomModalitiesInDatabase', false).value) {
    out.notes.push('DicomModalitiesInDatabase is true: the peers live in Orthanc\'s database, not in this file, and are not audited');
    return;
  }
  const modalities = o.get('DicomModalities');
  if (!modalities) return;
  if (modalities.property.value.type !== 'object') throw new ConfigProblem(`${where(modalities)}: DicomModalities must be an object`);
  const entries = [...propertiesOf(modalities.property.value).values()];
  if (entries.length === 0) return;
  const checkHost = o.bool('DicomCheckModalityHost', false);
  if (!checkHost.value) {
    out.causes.push({
      ruleId: 'EXP-CONF-003',
      place: o.place('DicomCheckModalityHost', checkHost, 'false'),
      cause: `${entries.length} DicomModalities entr${entries.length === 1 ? 'y is' : 'ies are'} recognised by calling AE title only, from any address.`,
      change: 'Set "DicomCheckModalityHost": true and give each DicomModalities entry the address its peer connects from.',
    });
    return;
  }
  for (const e of entries) {
    const host = modalityHost(e.value);
    if (host === undefined || !WILDCARD_HOSTS.has(host.trim())) continue;
    out.causes.push({
      ruleId: 'EXP-CONF-003',
      place: placeOf(modalities.file.name, `DicomModalities["${nameText(e.name)}"] host`, positionOf(modalities.file.text, e.offset), ''),
      cause: 'This peer\'s host is a wildcard or empty, so its calling AE title is accepted from any address.',
      change: 'Give the entry the one address its peer connects from.',
    });
  }
}

/** Orthanc's DICOMweb plugin is loaded by a Plugins entry naming it, or by a plugin folder holding it next to a "DicomWeb" section. */
function servesDicomWeb(o: OrthancOptions): boolean {
  const plugins = o.get('Plugins')?.property.value;
  const paths = plugins?.type === 'array' ? (plugins.children ?? []).filter((n) => n.type === 'string').map((n) => String(n.value)) : [];
  const section = o.get('DicomWeb')?.property.value;
  const enable = section?.type === 'object' ? propertiesOf(section).get('Enable')?.value : undefined;
  if (enable?.type === 'boolean' && enable.value === false) return false;
  const named = paths.some((p) => /dicomweb/i.test(p.split(/[\\/]/).pop() ?? ''));
  const folder = paths.some((p) => !/\.(so|dll|dylib)(\.\d+)*$/i.test(p));
  return named || (folder && section !== undefined);
}

function checkHttp(o: OrthancOptions, out: OrthancAudit): void {
  const remote = o.bool('RemoteAccessAllowed', false);
  if (!remote.value) {
    out.notes.push('RemoteAccessAllowed is false: the HTTP API answers this machine only, web checks do not apply');
    return;
  }
  const auth = o.bool('AuthenticationEnabled', true);
  const ssl = o.bool('SslEnabled', false);
  const authDefault = 'RemoteAccessAllowed (true here) since Orthanc 1.5.8';
  const c = out.causes;
  if (!auth.value) {
    const place = o.place('AuthenticationEnabled', auth, authDefault);
    const change = 'Set "AuthenticationEnabled": true with strong, site-specific "RegisteredUsers" (or an authorization plugin).';
    c.push({ ruleId: 'EXP-WEB-002', place, cause: 'The REST API answers every remote client without credentials.', change, dependsOnContent: { whenEmpty: 'EXP-WEB-003' } });
    c.push({ ruleId: 'EXP-WEB-007', place, cause: 'Orthanc Explorer, on the same port, opens without a login.', change });
    if (servesDicomWeb(o)) c.push({ ruleId: 'EXP-WEB-001', place, cause: 'The DICOMweb plugin is loaded, so QIDO-RS answers without credentials too.', change });
  } else {
    if (!ssl.value) {
      c.push({
        ruleId: 'EXP-WEB-005',
        place: o.place('SslEnabled', ssl, 'false'),
        cause: 'Orthanc asks for HTTP Basic credentials over plain HTTP: every request carries the password in clear.',
        change: 'Set "SslEnabled": true with "SslCertificate", or put an HTTPS reverse proxy in front and bind Orthanc to localhost.',
      });
    }
    checkUsers(o, out);
  }
  if (!ssl.value) {
    c.push({
      ruleId: 'EXP-TLS-003',
      place: o.place('SslEnabled', ssl, 'false'),
      cause: 'The REST API (and DICOMweb, when loaded) is served over plain HTTP.',
      change: 'Set "SslEnabled": true with "SslCertificate", or serve it through an HTTPS reverse proxy only.',
    });
  } else {
    const minimum = o.number('SslMinimumProtocolVersion', 4);
    if (minimum.value < 4) {
      c.push({
        ruleId: 'EXP-TLS-004',
        place: o.place('SslMinimumProtocolVersion', minimum, '4'),
        cause: `SslMinimumProtocolVersion ${minimum.value} lets clients negotiate SSL 3, TLS 1.0 or TLS 1.1.`,
        change: 'Set "SslMinimumProtocolVersion": 4 (TLS 1.2 and later).',
      });
    }
  }
}

function checkUsers(o: OrthancOptions, out: OrthancAudit): void {
  const option = o.get('RegisteredUsers');
  const users = option?.property.value;
  if (users !== undefined && users.type !== 'object') throw new ConfigProblem(`${where(option!)}: RegisteredUsers must be an object`);
  const entries = users ? [...propertiesOf(users).values()] : [];
  const change = 'Replace every default or blank account in "RegisteredUsers" with site-specific users and strong passwords.';
  if (entries.length === 0) {
    out.causes.push({
      ruleId: 'EXP-WEB-004',
      place: option ? placeOf(option.file.name, 'RegisteredUsers', positionOf(option.file.text, option.property.offset), '') : placeOf(o.home, 'RegisteredUsers', undefined, 'no users'),
      cause: 'Authentication is on with no registered user: Orthanc 1.5.8 to 1.12.8 then creates the documented default user "orthanc".',
      change: 'Declare site-specific users with strong passwords in "RegisteredUsers".',
    });
    return;
  }
  for (const e of entries) {
    const password = e.value.type === 'string' ? String(e.value.value) : undefined;
    if (password === undefined) throw new ConfigProblem(`${where(option!)}: each RegisteredUsers password must be a string`);
    const isDefault = ORTHANC_DEFAULT_LOGINS.some((d) => d.user === e.name && d.password === password);
    if (!isDefault && password !== '') continue;
    // The user name is printed only when it is the vendor's own; a site's user names stay out of reports.
    const who = isDefault ? `the documented default account "${e.name}"` : 'an account with a blank password';
    out.causes.push({
      ruleId: 'EXP-WEB-004',
      place: placeOf(option!.file.name, 'RegisteredUsers entry', positionOf(option!.file.text, e.offset), ''),
      cause: `RegisteredUsers holds ${who}.`,
      change,
    });
  }
}

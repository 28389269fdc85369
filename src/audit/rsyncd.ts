/**
 * Which rsyncd.conf settings open which holes (rsyncd.conf(5), rsync 3.x):
 * a module without "auth users" serves anyone who connects, "read only = no"
 * lets them upload, "list" (default yes) names the module to anyone asking,
 * and "hosts allow" / "hosts deny" decide who may connect at all. A module
 * parameter in the global section is every module's default, as in rsync.
 * The "secrets file" is named by the file, never opened.
 */
import { matchesEveryone } from './clients.ts';
import type { ConfigCause } from './finding.ts';
import { parameterPlace, RSYNC, sectionBoolean, type SambaConfig, type SambaParameter, type SambaSection } from './smb-conf.ts';
import { nameText } from './text.ts';

function parameter(cfg: SambaConfig, module: SambaSection, name: string): SambaParameter | undefined {
  return module.parameters.get(name) ?? cfg.global.parameters.get(name);
}

function boolean(cfg: SambaConfig, module: SambaSection, name: string, fallback: boolean): boolean {
  const p = parameter(cfg, module, name);
  return p ? sectionBoolean(p, RSYNC) : fallback;
}

/** Patterns are separated by commas and/or whitespace (rsyncd.conf(5), hosts allow). */
const patterns = (p: SambaParameter | undefined): string[] => (p ? p.value.split(/[\s,]+/).filter((s) => s !== '') : []);

/**
 * Whether any address may connect, by rsync's access.c rules: an allow list
 * alone admits only its matches; a deny list alone refuses only its own;
 * with both, a host matching neither is admitted.
 */
function admitsEveryone(allow: readonly string[], deny: readonly string[]): boolean {
  const allowAll = allow.some(matchesEveryone);
  const denyAll = deny.some(matchesEveryone);
  if (allow.length > 0 && deny.length === 0) return allowAll;
  return allowAll || !denyAll;
}

interface ModuleView {
  readonly module: SambaSection;
  readonly name: string;
  readonly open: boolean;
}

function anonymousModule(file: string, cfg: SambaConfig, view: ModuleView): ConfigCause[] {
  const { module, name } = view;
  const auth = parameter(cfg, module, 'authusers');
  const causes: ConfigCause[] = [];
  if (!boolean(cfg, module, 'writeonly', false)) {
    causes.push({
      ruleId: 'EXP-NAS-011',
      place: parameterPlace(file, auth, `auth users of [${name}]`, 'none (no user name or secret asked)'),
      cause: `Module [${name}] has no "auth users": anyone who connects may download every file it holds (it holds DICOM files if the scan found them there).`,
      change: `Set "auth users" and a "secrets file" (mode 600) on [${name}], and "hosts allow" to the machines that sync.`,
      dependsOnContent: { whenEmpty: 'EXP-NAS-003' },
    });
  }
  if (!boolean(cfg, module, 'readonly', true)) {
    const uid = parameter(cfg, module, 'uid');
    const asRoot = uid && (uid.value === '0' || uid.value === 'root') ? ', as root ("uid = root")' : '';
    causes.push({
      ruleId: 'EXP-NAS-004',
      place: parameterPlace(file, parameter(cfg, module, 'readonly'), 'read only', ''),
      cause: `Module [${name}] is anonymous and "read only = no": anyone may upload or overwrite files there${asRoot}.`,
      change: `Set "read only = yes" on [${name}], and grant uploads per user in "auth users" (user:rw).`,
    });
  }
  return causes;
}

function listedModules(file: string, cfg: SambaConfig, views: readonly ModuleView[]): ConfigCause[] {
  const listed = views.filter((v) => boolean(cfg, v.module, 'list', true));
  if (listed.length === 0) return [];
  const first = listed[0]!.module;
  const names = listed.map((v) => `[${v.name}]`).join(', ');
  return [
    {
      ruleId: 'EXP-NAS-012',
      place: parameterPlace(file, parameter(cfg, first, 'list'), `list of [${nameText(first.name)}]`, 'yes'),
      cause: `The daemon names ${listed.length === 1 ? 'module' : 'modules'} ${names} to any client that asks for its list, before any module's "hosts allow" is checked.`,
      change: `Set "list = no" on ${names} (in the global section for all of them) and restrict the daemon with "hosts allow".`,
    },
  ];
}

export function checkRsyncd(file: string, cfg: SambaConfig): { causes: ConfigCause[]; notes: string[] } {
  const notes: string[] = [];
  const views: ModuleView[] = [];
  for (const module of cfg.shares) {
    const name = nameText(module.name);
    if (!parameter(cfg, module, 'path')) {
      notes.push(`module [${name}] has no "path": rsync refuses every connection to it`);
      continue;
    }
    const open = admitsEveryone(patterns(parameter(cfg, module, 'hostsallow')), patterns(parameter(cfg, module, 'hostsdeny')));
    views.push({ module, name, open });
  }
  const causes: ConfigCause[] = [];
  for (const view of views) {
    const auth = parameter(cfg, view.module, 'authusers');
    if (auth && auth.value.trim() !== '') continue;
    if (view.open) causes.push(...anonymousModule(file, cfg, view));
    else notes.push(`module [${view.name}] asks no secret, but "hosts allow"/"hosts deny" admit only the hosts they list: not reported; anyone on those hosts reads it without a password`);
  }
  return { causes: [...causes, ...listedModules(file, cfg, views)], notes };
}

/**
 * Which smb.conf settings open which holes (Samba 4.17, testparm -sv for the
 * defaults): guest shares, writable guest shares, signing and encryption not
 * required, the share list open to null sessions. A share-level parameter set
 * in [global] is every share's default, as in Samba.
 */
import { ConfigProblem, type ConfigCause } from './finding.ts';
import { fold, parameterPlace, sambaBoolean, type SambaConfig, type SambaParameter, type SambaSection } from './smb-conf.ts';
import { nameText } from './text.ts';

/** Values of "server signing" and "server smb encrypt" that require it (Samba's enum tables). */
const REQUIRED = new Set(['required', 'mandatory', 'force', 'forced', 'enforced']);

/** What "map to guest" adds to a guest share (folded values; Never adds nothing). */
const GUEST_MAPPING: Readonly<Record<string, string>> = {
  baduser: ', and "map to guest = Bad User" turns any unknown user name into a guest.',
  badpassword: ', and "map to guest = Bad Password" turns any wrong password into a guest login.',
  baduid: ', and "map to guest = Bad Uid" turns domain users without a Unix account into guests.',
};

function shareParameter(cfg: SambaConfig, share: SambaSection, name: string): SambaParameter | undefined {
  return share.parameters.get(name) ?? cfg.global.parameters.get(name);
}

function shareBoolean(cfg: SambaConfig, share: SambaSection, name: string, fallback: boolean): boolean {
  const p = shareParameter(cfg, share, name);
  return p ? sambaBoolean(p) : fallback;
}

export function checkSamba(file: string, cfg: SambaConfig): ConfigCause[] {
  const g = cfg.global.parameters;
  const causes: ConfigCause[] = [];
  const mapToGuest = fold(g.get('maptoguest')?.value ?? 'never');
  const shares = cfg.shares.filter((s) => shareBoolean(cfg, s, 'available', true) && !shareBoolean(cfg, s, 'printable', false));
  for (const share of shares) {
    if (!shareBoolean(cfg, share, 'guestok', false)) continue;
    const guestOk = shareParameter(cfg, share, 'guestok')!;
    const name = nameText(share.name);
    causes.push({
      ruleId: 'EXP-NAS-002',
      place: parameterPlace(file, guestOk, 'guest ok', ''),
      cause: `Share [${name}] is a guest share: anonymous and guest sessions open it with no password${GUEST_MAPPING[mapToGuest] ?? '.'}`,
      change: `Set "guest ok = no" on [${name}], list who may read it in "valid users", and keep "map to guest = Never".`,
      dependsOnContent: { whenEmpty: 'EXP-NAS-003' },
    });
    if (!shareBoolean(cfg, share, 'readonly', true)) {
      causes.push({
        ruleId: 'EXP-NAS-004',
        place: parameterPlace(file, shareParameter(cfg, share, 'readonly'), 'read only', ''),
        cause: `Guest share [${name}] is writable: anyone may plant or overwrite files there.`,
        change: `Set "read only = yes" on [${name}] (or drop its guest access).`,
      });
    }
  }
  const signing = g.get('serversigning');
  const dc = fold(g.get('serverrole')?.value ?? '') === 'activedirectorydomaincontroller';
  const signingValue = fold(signing?.value ?? 'default');
  if (!REQUIRED.has(signingValue) && !(dc && signingValue === 'default')) {
    causes.push({
      ruleId: 'EXP-NAS-005',
      place: parameterPlace(file, signing, 'server signing', '"default": required only on an AD domain controller'),
      cause: 'SMB signing is offered but not required, so sessions can be relayed or altered on the path.',
      change: 'Set "server signing = mandatory" in [global].',
    });
  }
  const restrict = g.get('restrictanonymous');
  if (restrict && !/^\d+$/.test(restrict.value)) throw new ConfigProblem(`line ${restrict.line}: restrict anonymous must be 0, 1 or 2`);
  if (Number(restrict?.value ?? '0') < 2) {
    causes.push({
      ruleId: 'EXP-NAS-007',
      place: parameterPlace(file, restrict, 'restrict anonymous', '0'),
      cause: 'Null sessions may open IPC$ and list the shares (srvsvc NetShareEnum).',
      change: 'Set "restrict anonymous = 2" in [global] (and keep guest shares out: "guest ok = yes" undoes it).',
    });
  }
  const encrypt = g.get('serversmbencrypt');
  const encryptedShares = shares.every((s) => REQUIRED.has(fold(s.parameters.get('serversmbencrypt')?.value ?? '')));
  if (!REQUIRED.has(fold(encrypt?.value ?? 'default')) && !(shares.length > 0 && encryptedShares)) {
    causes.push({
      ruleId: 'EXP-CONF-004',
      place: parameterPlace(file, encrypt, 'server smb encrypt', '"default", which is if_required: offered, not required'),
      cause: 'SMB3 encryption is not required: clients that do not ask for it read files in clear text.',
      change: 'Set "server smb encrypt = required" in [global], or on each share holding medical data.',
    });
  }
  return causes;
}

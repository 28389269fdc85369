/**
 * Names that signal a compromised share: miners, ransom notes, web shells, and
 * executables or scripts sitting among images. A data table; every entry says
 * where the name comes from. Matched against names only: these files are never
 * opened or downloaded.
 */
import type { IndicatorKind } from '../../observation/file-share.ts';

export interface NameIndicator {
  readonly id: string;
  readonly kind: IndicatorKind;
  /** Matched against the whole file name. */
  readonly name: RegExp;
  /** When set, the file must sit in a folder whose name matches (e.g. config.json of a miner). */
  readonly folder?: RegExp;
  readonly source: string;
}

export const NAME_INDICATORS: readonly NameIndicator[] = [
  { id: 'xmrig-binary', kind: 'miner', name: /^xmrig(-notls|-cuda|-opencl)?(\.exe)?$/i, source: 'XMRig Monero miner release archives (github.com/xmrig/xmrig/releases)' },
  { id: 'xmrig-config', kind: 'miner-config', name: /^config\.json$/i, folder: /xmrig/i, source: 'XMRig reads config.json beside its binary (xmrig.com/docs/miner/config)' },
  { id: 'xmrig-named-config', kind: 'miner-config', name: /^xmrig[-_.]?(config)?\.json$/i, source: 'XMRig configuration renamed after the miner, as dropped by NAS campaigns (e.g. Sysrv, Kinsing reports)' },
  { id: 'cpuminer', kind: 'miner', name: /^(cpuminer|minerd|ccminer|nbminer|t-rex|lolminer|phoenixminer)(\.exe)?$/i, source: 'common open-source and commercial cryptocurrency miner binaries' },
  { id: 'deadbolt-extension', kind: 'ransom-extension', name: /\.deadbolt$/i, source: 'DeadBolt ransomware against QNAP/ASUSTOR NAS appends .deadbolt (QNAP security advisory QSA-22-19)' },
  { id: 'ech0raix-note', kind: 'ransom-note', name: /^README_FOR_DECRYPT\.txt$/i, source: 'eCh0raix/QNAPCrypt ransom note (Anomali and Intezer reports, 2019)' },
  { id: 'ech0raix-extension', kind: 'ransom-extension', name: /\.encrypt$/i, source: 'eCh0raix/QNAPCrypt encrypted file extension' },
  { id: 'qlocker-note', kind: 'ransom-note', name: /^!!!READ_ME\.txt$/i, source: 'Qlocker ransomware note on QNAP NAS (QNAP advisory, April 2021)' },
  { id: 'djvu-note', kind: 'ransom-note', name: /^_readme\.txt$/i, source: 'STOP/Djvu ransomware note name (ID Ransomware, BleepingComputer)' },
  { id: 'generic-decrypt-note', kind: 'ransom-note', name: /^(HOW[_ ]TO[_ ](DECRYPT|RECOVER|RESTORE)[\w !-]*|DECRYPT[_-]?(INSTRUCTIONS?|FILES)|RESTORE[_-]?FILES|RECOVER[_-]?FILES)\.(txt|html?|hta)$/i, source: 'ransom note names catalogued by ID Ransomware (id-ransomware.malwarehunterteam.com)' },
  { id: 'c99-r57-shell', kind: 'web-shell', name: /^(c99|r57|c100|b374k|wso|alfa|indoxploit)(shell)?\.php$/i, source: 'well-known PHP web shells (CISA/NSA "Detect and prevent web shell malware", 2020)' },
  { id: 'cmd-aspx-shell', kind: 'web-shell', name: /^(cmd|shell|cmdasp)\.(aspx?|jsp)$/i, source: 'classic ASP/JSP command shells (CISA/NSA web shell guidance, 2020)' },
];

/** Executables and scripts: expected nowhere near images (checked per folder holding DICOM files). */
export const EXECUTABLE_NAME = /\.(exe|dll|scr|com|bat|cmd|ps1|vbs|js|jar|sh|elf|bin|php|aspx?|jsp|py|pl)$/i;
export const EXECUTABLE_SOURCE = 'MITRE ATT&CK T1080 (Taint Shared Content) and T1105 (Ingress Tool Transfer)';

export function matchIndicator(name: string, folderName: string): NameIndicator | undefined {
  return NAME_INDICATORS.find((i) => i.name.test(name) && (i.folder === undefined || i.folder.test(folderName)));
}

/**
 * One line per FTP, SMB, rsync or NFS service for the reports: how the share was
 * reached, what was listed, how much of it is DICOM, what the headers held,
 * indicators (by name, or found by content) and write access. Built from counts, table ids and the capped
 * share and module names and export paths only.
 */
import type { FileWalk } from '../observation/file-share.ts';
import type { Observation } from '../observation/observation.ts';
import { counted } from '../observation/count.ts';

/** "3 files, 1 byte in 1 folder". */
function filesText(files: number, bytes: number, folders: number): string {
  return `${counted(files, 'file')}, ${counted(bytes, 'byte')} in ${counted(folders, 'folder')}`;
}

function walkText(w: FileWalk): string {
  const parts = [filesText(w.files, w.bytes, w.directories)];
  if (w.dicomFiles > 0 || w.dicomdirs > 0) {
    parts.push(`DICOM ${filesText(w.dicomFiles, w.dicomBytes, w.dicomFolders)}${w.dicomdirs > 0 ? `, ${w.dicomdirs} DICOMDIR` : ''}`);
  }
  if (w.elementsPerHeader) parts.push(`header elements min/median/max ${w.elementsPerHeader.min}/${w.elementsPerHeader.median}/${w.elementsPerHeader.max} (${w.headersRead} read)`);
  const byName = w.indicators.filter((i) => i.by !== 'content');
  const byContent = w.indicators.filter((i) => i.by === 'content');
  if (byName.length > 0) parts.push(`indicators ${byName.map((i) => `${i.id}×${i.count}`).join(' ')}`);
  if (byContent.length > 0) parts.push(`indicators found by content ${byContent.map((i) => `${i.id}×${i.count}`).join(' ')}`);
  if (w.textsRead !== undefined && w.textsRead > 0) parts.push(`${counted(w.textsRead, 'small text file')} read for indicators`);
  if (w.stoppedBy.length > 0) parts.push(`stopped at limits: ${w.stoppedBy.join(', ')}`);
  return parts.join(', ');
}

export function fileShareSummary(o: Observation): string | undefined {
  const d = o.details;
  if (d?.protocol === 'ftp') {
    const login = d.loggedInAs ? `${d.loggedInAs} login accepted` : d.logins.length > 0 ? 'anonymous and blank logins refused' : 'no login tried';
    const parts = [`FTP ${login}${d.authTls ? ', AUTH TLS offered' : ', no TLS'}`];
    if (d.walk) parts.push(walkText(d.walk));
    if (d.write) parts.push(`write: ${d.write.advertised}${d.write.probe === 'not-attempted' ? '' : ` (check: ${d.write.probe})`}`);
    return parts.join(' · ');
  }
  if (d?.protocol === 'smb') {
    const head = [`SMB ${d.dialect ?? '?'}`, `signing ${d.signingRequired ? 'required' : 'not required'}`];
    if (d.session) head.push(d.session === 'null-session' ? 'null session' : `guest session${d.sessionFlags === 'guest' ? ' (flagged guest)' : ''}`);
    if (d.stoppedBecause) head.push(`stopped: ${d.stoppedBecause}`);
    if (d.osVersion) head.push(`NTLM OS ${d.osVersion}`);
    const shares = d.shares
      .filter((s) => s.type === 'disk' || s.walk)
      .map((s) => `share ${s.name}: ${s.access}${s.walk ? `, ${walkText(s.walk)}` : ''}${s.write ? `, write ${s.write.advertised}${s.write.probe === 'not-attempted' ? '' : ` (check: ${s.write.probe})`}` : ''}`);
    return [head.join(', '), ...shares].join(' · ');
  }
  if (d?.protocol === 'rsync') {
    const list = d.moduleList === 'listed' ? `${d.modulesListed}${d.moduleListCut ? '+' : ''} modules listed` : d.moduleList === 'refused' ? 'module list refused' : 'no module list';
    const head = [`rsync protocol ${d.serverProtocol}`, list];
    if (d.stoppedBecause) head.push(`stopped: ${d.stoppedBecause}`);
    const modules = d.modules.map((m) => `module ${m.name}: ${m.access}${m.walk ? `, ${walkText(m.walk)}` : ''}`);
    return [head.join(', '), ...modules].join(' · ');
  }
  if (d?.protocol === 'nfs') {
    const list = d.exportList === 'listed' ? counted(d.exportsListed, 'export') + ' listed' : d.exportList === 'refused' ? 'export list refused' : d.exportList === 'not-registered' ? 'no MOUNT registered' : d.exportList === 'udp-only' ? 'MOUNT over UDP only (not read)' : 'no export list';
    const head = [`NFS (MOUNT port ${d.mountPort || '-'}, NFS port ${d.nfsPort || '-'})`, list];
    if (d.stoppedBecause) head.push(`stopped: ${d.stoppedBecause}`);
    const exports = d.exports.map((e) => {
      const who = e.clients === 'everyone' ? 'every client' : `${counted(e.clientEntries, 'listed client')}${e.scannerListed === 'yes' ? ', the scanner among them' : e.scannerListed === 'no' ? ', not the scanner' : ''}`;
      return `export ${e.path}: ${who}, ${e.access}${e.walk ? `, ${walkText(e.walk)}` : ''}`;
    });
    return [head.join(', '), ...exports].join(' · ');
  }
  return undefined;
}

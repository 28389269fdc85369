/**
 * The lab's plain web server: BusyBox httpd (Debian `busybox`) serving one
 * welcome page. It is not a PACS; a correct scanner reports nothing for it.
 * It binds the address it is given (-p IP:PORT), so it needs no bind shim.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findBinary, spawnServer, type SpawnedServer } from './process.ts';
import type { ServerDefinition } from './servers.ts';

const PAGE = `<!DOCTYPE html>
<html><head><title>Welcome</title></head>
<body><h1>It works</h1><p>This is the default page of a web server. Nothing else is here.</p></body></html>
`;

export async function launchPlainWeb(def: ServerDefinition, ip: string, serverDir: string): Promise<SpawnedServer> {
  const busybox = await findBinary('busybox');
  const root = join(serverDir, 'www');
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'index.html'), PAGE);
  // An empty config file so BusyBox does not read /etc/httpd.conf.
  await writeFile(join(serverDir, 'httpd.conf'), '');
  return spawnServer(busybox, ['httpd', '-f', '-p', `${ip}:${def.httpPort}`, '-h', root, '-c', join(serverDir, 'httpd.conf')], {
    cwd: serverDir,
    logFile: join(serverDir, `${def.name}.log`),
    env: process.env,
  });
}

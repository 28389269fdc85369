/** A test's in-process peers: servers on loopback addresses (port 0) and the sockets they accepted, closed together at the end. */
import type net from 'node:net';

export class TestPeers {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  /** Starts `server` on `host`, port chosen by the OS; every connection it accepts is held (its errors ignored) until closed. */
  async listen(server: net.Server, host: string): Promise<number> {
    server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => this.sockets.delete(s));
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.servers.map((s) => new Promise((r) => s.close(r))));
  }
}

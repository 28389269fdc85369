/**
 * The fleet as its own process (so it never shares a CPU queue with the
 * scanner it serves): `node --import tsx src/lab/fleet/main.ts CONFIG_JSON`.
 * Reports {listening} over IPC (or stdout) when ready; stops on SIGTERM or
 * when its parent goes away.
 */
import { startFleet, type FleetConfig } from './fleet.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as FleetConfig;
try {
  const fleet = await startFleet(config);
  const ready = { listening: fleet.listening, pid: process.pid };
  if (process.send) process.send(ready);
  else process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = (): void => {
    void fleet.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.on('disconnect', stop);
  process.on('message', (m) => {
    if (m === 'stats') process.send?.({ connections: fleet.connections() });
  });
} catch (err) {
  process.stderr.write(`fleet: ${(err as Error).message}\n`);
  process.exit(1);
}

/**
 * The lab's honeypot personas as a process of their own, so `exposure lab start`
 * can exit and leave them listening like the lab's servers, stopped by PID:
 * `node dist/lab/fleet/honeypot-main.js INSTANCES_JSON` (lab/honeypots.ts starts it).
 * Prints one line when every instance listens; stops on SIGTERM or SIGINT.
 */
import { z } from 'zod';
import { HONEYPOT_PERSONA_NAMES, startHoneypots } from './honeypot.ts';

const Instances = z.array(z.object({ ip: z.string(), port: z.number().int().min(1).max(65535), persona: z.enum(HONEYPOT_PERSONA_NAMES) })).min(1).max(16);

try {
  const instances = Instances.parse(JSON.parse(process.argv[2] ?? '[]'));
  const honeypots = await startHoneypots(instances);
  process.stdout.write(`honeypot personas listening: ${instances.map((i) => `${i.persona} on ${i.ip}:${i.port}`).join(', ')}\n`);
  const stop = (): void => {
    void honeypots.close().finally(() => process.exit(0));
    // Connections a scanner left open keep close() waiting: the process goes anyway.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (err) {
  process.stderr.write(`honeypot personas: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

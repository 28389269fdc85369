/** Port lists as typed after --ports and --web-ports: "104,4242", "2761-2762", comma separated. */
import { TargetSpecError } from './spec.ts';

/** The ports of a list, sorted and without repeats; a port outside 1-65535 is refused, saying which. */
export function parsePorts(text: string): number[] {
  const ports = new Set<number>();
  for (const piece of text.split(',')) {
    const t = piece.trim();
    if (t === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(t);
    if (!m) throw new TargetSpecError(`"${t}" is not a port or port range`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < 1 || hi > 65535 || hi < lo) throw new TargetSpecError(`"${t}" is not a port range within 1-65535`);
    for (let p = lo; p <= hi; p++) ports.add(p);
  }
  if (ports.size === 0) throw new TargetSpecError('no ports given');
  return [...ports].sort((a, b) => a - b);
}

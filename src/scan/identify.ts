/**
 * What runs on an open port, on the connection discovery opened: one
 * connection per service (net/parked.ts hands it to the first probe that dials).
 *
 * A port some selected probe claims gets those probes, in the registry's
 * order; once one has answered as its protocol no other runs, except the web
 * probes, which share one HTTP port. On a plain DICOM port, dicom-tls runs only
 * when the plain association failed the way a TLS server fails it: sites do
 * put TLS on 104 or 11112, but a handshake on every plain endpoint is waste.
 *
 * A port no selected probe claims is identified the way nmap's service probes
 * do it, without a connection per guess:
 * 1. a short wait for a server-first greeting (three connect times, within
 *    50–300 ms: greeting-wait.ts): FTP's (RFC 959 4.2) gets the FTP probe on
 *    that connection; any other greeting (SSH …) is not ours;
 * 2. silence: the DICOM probe on that connection, its A-ASSOCIATE-RQ the
 *    question; when it is not DICOM, the peer's first bytes say what it is:
 *    an HTTP status line gets the web probes, a late FTP greeting the FTP
 *    probe (on new connections); a TLS record, or a close or reset
 *    without a byte (what an OpenSSL server does with a record it cannot
 *    parse), gets dicom-tls on a new connection, then the web probes over
 *    HTTPS if the handshake worked but it was not DICOM either.
 * So an unclaimed port costs one connection, two when it is TLS or HTTP.
 */
import { isUnanswered, type Observation, type ProtocolId } from '../observation/observation.ts';
import type { ParkedSocket } from '../net/dialer.ts';
import type { Probe, ProbeContext } from '../probes/probe.ts';
import { classifyFirstBytes, type FirstBytesKind } from './first-bytes.ts';
import { greetingWaitMs } from './greeting-wait.ts';

export interface ServicePlan {
  /** The selected probes, in the registry's order, with the ports they claim. */
  readonly probes: readonly Probe[];
  /** How long a port no probe claims is given to speak first (--greeting-wait); absent, derived from its connect time. */
  readonly greetingWaitMs?: number | undefined;
}

const WEB: ReadonlySet<ProtocolId> = new Set(['portal', 'orthanc', 'dicomweb']);

/** The TLS form of a probe's protocol, tried on a port it claims only when the plain exchange failed like TLS. */
const TLS_FORM: Partial<Record<ProtocolId, ProtocolId>> = { dicom: 'dicom-tls' };

/** Servers that speak first and whose greeting names the probe to run: FTP's 220 (RFC 959), an rsync daemon's "@RSYNCD:". */
const GREETED_BY: Partial<Record<FirstBytesKind, ProtocolId>> = { ftp: 'ftp', rsync: 'rsync' };

/** The observations worth keeping for the port, from the probes fit to run on it. */
// Not async: it hands on the promise of the path it takes, one suspended frame fewer per service.
export function probeService(parked: ParkedSocket, plan: ServicePlan, ctx: ProbeContext): Promise<Observation[]> {
  const port = parked.endpoint.port;
  const claimers = plan.probes.filter((p) => p.defaultPorts.includes(port));
  const service = new Service(parked, plan, { ...ctx, dialer: parked.handOff(ctx.dialer) });
  return claimers.length > 0 ? service.claimed(claimers) : service.identify();
}

/** How a TLS server answers an A-ASSOCIATE-RQ sent in clear: a TLS record (an alert), or a close or reset without a byte. */
function failedLikeTls(o: Observation, firstBytes: Buffer): boolean {
  if (o.status === 'success') return false;
  const heard = classifyFirstBytes(firstBytes);
  if (heard === 'tls') return true;
  return heard === 'none' && (o.error?.code === 'connection-reset' || o.error?.code === 'CLOSED');
}

/** The probe answered as its protocol (whatever it then found). */
function spoke(o: Observation): boolean {
  return o.status !== 'not-this-protocol' && !isUnanswered(o.status);
}

/**
 * Nothing answered: the probe's connection was never made whole (a TCP connect
 * refused or unanswered, or, on the parked connection, a TLS handshake the peer
 * never completed), and it learned nothing before or around it (no association
 * attempt, no certificate, no product). Discovery's connect shows that something
 * listens (the port is counted open), but not what: a tarpit that accepts every
 * connection and then stays silent, on 2762 or anywhere, is no service. What a
 * probe learned before such a failure (an earlier AE title rejected) keeps it.
 */
function learnedNothing(o: Observation): boolean {
  return isUnanswered(o.status) && o.details === undefined && o.tlsInfo === undefined && o.product === undefined;
}

/**
 * "Not this protocol" says nothing about a port another probe could have
 * answered on: kept only when the port had a single candidate. A probe that
 * learned nothing is never kept.
 */
function worthKeeping(observations: readonly Observation[], candidates: number): Observation[] {
  return observations.filter((o) => !learnedNothing(o) && (candidates === 1 || o.status !== 'not-this-protocol'));
}

class Service {
  constructor(
    private readonly parked: ParkedSocket,
    private readonly plan: ServicePlan,
    /** The context every probe on the port runs with: its dialer hands on the parked connection. */
    private readonly ctx: ProbeContext,
  ) {}

  private pick(id: ProtocolId | undefined): Probe | undefined {
    return id === undefined ? undefined : this.plan.probes.find((p) => p.id === id);
  }

  private run(probe: Probe, ctx: ProbeContext = this.ctx): Promise<Observation> {
    return probe.run(this.parked.endpoint, ctx);
  }

  /** Probes in order, the first on the parked connection; after one that answered, only the other web probes. */
  async claimed(probes: readonly Probe[]): Promise<Observation[]> {
    const out: Observation[] = [];
    let candidates = probes.length;
    let answered: Probe | undefined;
    for (const probe of probes) {
      if (this.ctx.signal.aborted) break;
      if (answered && !(WEB.has(answered.id) && WEB.has(probe.id))) continue;
      const o = await this.run(probe);
      out.push(o);
      if (spoke(o)) answered = probe;
      const tlsForm = this.pick(TLS_FORM[probe.id]);
      if (!tlsForm || probes.includes(tlsForm)) continue;
      candidates++;
      if (failedLikeTls(o, this.parked.firstBytes()) && !this.ctx.signal.aborted) out.push(await this.run(tlsForm));
    }
    return worthKeeping(out, candidates);
  }

  async identify(): Promise<Observation[]> {
    const candidates = this.plan.probes.length;
    const greeting = await this.parked.greeting(greetingWaitMs(this.parked.connectMs, this.plan.greetingWaitMs), this.ctx.signal);
    if (greeting === 'gone') return [];
    if (greeting === 'spoke') {
      const first = this.pick(GREETED_BY[classifyFirstBytes(this.parked.firstBytes())]);
      return first ? worthKeeping([await this.run(first)], candidates) : [];
    }
    const dicom = this.pick('dicom');
    // Without the DICOM probe to ask with, nothing tells the port's protocol: every selected probe in turn.
    if (!dicom) return this.claimed(this.plan.probes);
    const o = await this.run(dicom);
    if (this.ctx.signal.aborted) return [];
    const heard = classifyFirstBytes(this.parked.firstBytes());
    if (heard === 'http') return worthKeeping(await this.web('http'), candidates);
    const first = this.pick(GREETED_BY[heard]);
    if (first) return worthKeeping([await this.run(first)], candidates);
    const tlsDicom = this.pick('dicom-tls');
    const follow = tlsDicom !== undefined || this.plan.probes.some((p) => WEB.has(p.id));
    if (!follow || !failedLikeTls(o, this.parked.firstBytes())) return worthKeeping([o], candidates);
    const t = tlsDicom ? await this.run(tlsDicom) : undefined;
    if (t && spoke(t)) return [t];
    // A handshake that failed shows there is no TLS here; one that worked but carried no DICOM may carry HTTPS.
    if (t && t.tlsInfo === undefined) return [];
    return worthKeeping(await this.web('https'), candidates);
  }

  /** The selected web probes, told the scheme the port was seen to speak. */
  private async web(scheme: 'http' | 'https'): Promise<Observation[]> {
    const ctx: ProbeContext = { ...this.ctx, web: { checkLogins: this.ctx.web?.checkLogins === true, scheme } };
    const out: Observation[] = [];
    for (const probe of this.plan.probes) {
      if (this.ctx.signal.aborted) break;
      if (WEB.has(probe.id)) out.push(await this.run(probe, ctx));
    }
    return out;
  }
}

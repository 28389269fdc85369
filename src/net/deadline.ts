/**
 * A deadline the scanner owns: a plain, referenced setTimeout that aborts an
 * AbortController, cleared when the work it bounds ends.
 *
 * Not AbortSignal.timeout inside AbortSignal.any: the runtime holds such a
 * timeout weakly, and on Node 20 a garbage collection could drop it before it
 * fired (nodejs/node#57736), leaving a probe bounded only by a dripping peer's
 * patience. A timer in the runtime's timer list is held until it fires or is
 * cleared, whatever refers to it; the controller it aborts is held by the timer.
 * The link to an outer signal is a hook removed at the end (abort-watch.ts),
 * not a weak composite.
 *
 * The abort reason says which bound ran out, as a NetError: 'io-timeout' for
 * this deadline (or an outer one it sits in), 'aborted' for a stop from outside
 * (the scan ending), so a read cut by it reports a status, not a stack.
 */
import { onAbort } from './abort-watch.ts';
import { NetError } from './errors.ts';

export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly endsAt: number;
  private readonly detach: () => void;
  private ownExpiry = false;

  /**
   * Ends `ms` from now, or when `outer` aborts, whichever comes first.
   * `what` names the bound in the abort reason ("the probe", "the walk").
   */
  constructor(
    readonly ms: number,
    outer?: AbortSignal,
    readonly what = 'the work',
  ) {
    this.signal = this.controller.signal;
    this.endsAt = performance.now() + ms;
    this.timer = setTimeout(() => {
      this.ownExpiry = true;
      this.abort(new NetError('io-timeout', `${what} ran past its ${ms} ms deadline`));
    }, ms);
    if (!outer) {
      this.detach = () => undefined;
      return;
    }
    const onOuter = (): void => this.abort(outer.reason instanceof NetError ? outer.reason : new NetError('aborted', `${what} was stopped`));
    if (outer.aborted) {
      this.detach = () => undefined;
      onOuter();
      return;
    }
    // One entry in the outer signal's hook set, not a listener per deadline: every probe in flight sits in the scan's signal.
    this.detach = onAbort(outer, onOuter);
  }

  /** True once this deadline's own time ran out (not an outer stop, not `end()`). */
  get expired(): boolean {
    return this.ownExpiry;
  }

  /** Milliseconds left, 0 once ended. */
  remainingMs(): number {
    if (this.signal.aborted) return 0;
    return Math.max(0, Math.ceil(this.endsAt - performance.now()));
  }

  /** A shorter bound inside this one: `ms` from now or this deadline's end, whichever is first. */
  within(ms: number, what: string): Deadline {
    return new Deadline(Math.min(ms, this.remainingMs()), this.signal, what);
  }

  /** The work is over: the timer and the link to the outer signal go. The signal stays as it is. */
  end(): void {
    clearTimeout(this.timer);
    this.detach();
  }

  private abort(reason: NetError): void {
    clearTimeout(this.timer);
    this.detach();
    this.controller.abort(reason);
  }
}

/** Why `signal` aborted, as a NetError: its own reason when it is one (a Deadline's), else a plain abort. */
export function abortError(signal: AbortSignal | undefined, message: string): NetError {
  return signal?.reason instanceof NetError ? signal.reason : new NetError('aborted', message);
}

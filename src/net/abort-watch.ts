/**
 * Many waits on one long-lived signal: a scan's own signal is handed to every
 * connect, every slot and token waited for, every greeting waited for, and
 * thousands of them are in flight at once.
 *
 * EventTarget's addEventListener walks every listener already on a signal to
 * refuse a duplicate, so a listener per wait costs as much as the waits in
 * flight: quadratic over a scan (at 4,096 connections in flight, 4 % of its
 * CPU). Here each signal gets one listener, and each wait an entry in a set,
 * added and removed in constant time.
 */

/**
 * The hooks of a signal being watched, kept on the signal itself: they go with it. Not a WeakMap
 * keyed by signal: every probe's deadline has a signal of its own, and thousands of short-lived
 * keys in one long-lived WeakMap are ephemerons every garbage collection has to trace.
 */
const HOOKS: unique symbol = Symbol('abort hooks');
type Watched = AbortSignal & { [HOOKS]?: Set<() => void> };

/**
 * Runs `hook` once when `signal` aborts; the function returned forgets it
 * (call it when the wait ends otherwise). Nothing runs for a signal already
 * aborted: the caller checks `signal.aborted` before it waits.
 */
export function onAbort(signal: AbortSignal, hook: () => void): () => void {
  const target = signal as Watched;
  let hooks = target[HOOKS];
  if (!hooks) {
    const fresh = new Set<() => void>();
    hooks = fresh;
    target[HOOKS] = fresh;
    signal.addEventListener(
      'abort',
      () => {
        const due = [...fresh];
        fresh.clear();
        for (const h of due) h();
      },
      { once: true },
    );
  }
  const set = hooks;
  set.add(hook);
  return () => void set.delete(hook);
}

/** onAbort for an optional signal: without one, nothing to watch. */
export function onAbortOf(signal: AbortSignal | undefined, hook: () => void): () => void {
  return signal ? onAbort(signal, hook) : forgetNothing;
}

const forgetNothing = (): void => undefined;

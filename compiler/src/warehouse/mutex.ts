// A FIFO async mutex: PGlite is one connection, so two callers' statements must never interleave.
import { CancelledError } from "./warehouse-error";

export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /**
   * Runs `fn` once every earlier holder has finished. `signal` / `timeoutMs` bound only the
   * wait in the queue: once `fn` runs it runs to the end.
   */
  async run<T>(fn: () => Promise<T>, wait: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => mine);
    try {
      await waitFor(previous, wait);
    } catch (err) {
      // Give up our place without blocking those behind us.
      previous.then(release, release);
      throw err;
    }
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

function waitFor(turn: Promise<void>, { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  if (!signal && timeoutMs === undefined) return turn;
  return new Promise<void>((resolve, reject) => {
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => finish(new CancelledError(`timed out after ${timeoutMs} ms waiting for the embedded warehouse`)), timeoutMs);
    const onAbort = () => finish(new CancelledError());
    signal?.addEventListener("abort", onAbort, { once: true });
    function finish(err?: Error) {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    }
    turn.then(() => finish(), () => finish());
  });
}

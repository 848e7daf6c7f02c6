// Time as plugins see it. Tests use ManualClock so window arithmetic and timers are checked without
// sleeping; the gateway uses SystemClock.

export interface Timer { cancel(): void }

export interface Clock {
  /** Wall-clock time in nanoseconds since the epoch (proxy_get_current_time_nanoseconds). */
  nowNanos(): bigint;
  /** Wall-clock time in milliseconds since the epoch (cheap: no BigInt). */
  nowMs(): number;
  /** Monotonic milliseconds, for latency measurements. */
  monotonicMs(): number;
  /** Calls `fn` every `periodMs` until cancelled. */
  every(periodMs: number, fn: () => void): Timer;
  /** Calls `fn` once after `ms`. */
  after(ms: number, fn: () => void): Timer;
}

export class SystemClock implements Clock {
  nowNanos(): bigint {
    return BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  }
  monotonicMs(): number {
    return performance.now();
  }
  nowMs(): number {
    return performance.timeOrigin + performance.now();
  }
  every(periodMs: number, fn: () => void): Timer {
    const t = setInterval(fn, periodMs);
    t.unref();
    return { cancel: () => clearInterval(t) };
  }
  after(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }
}

interface Scheduled { due: number; period: number; fn: () => void; cancelled: boolean }

/** A clock that only moves when told to; due timers fire, in order, inside advance(). */
export class ManualClock implements Clock {
  private ms: number;
  private timers: Scheduled[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.ms = startMs;
  }
  nowNanos(): bigint {
    return BigInt(Math.round(this.ms * 1000)) * 1000n;
  }
  monotonicMs(): number {
    return this.ms;
  }
  nowMs(): number {
    return this.ms;
  }
  every(periodMs: number, fn: () => void): Timer {
    return this.schedule(periodMs, periodMs, fn);
  }
  after(ms: number, fn: () => void): Timer {
    return this.schedule(ms, 0, fn);
  }
  private schedule(delay: number, period: number, fn: () => void): Timer {
    const s: Scheduled = { due: this.ms + delay, period, fn, cancelled: false };
    this.timers.push(s);
    return { cancel: () => void (s.cancelled = true) };
  }
  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.ms + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const next = this.timers.filter((t) => t.due <= target).sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.ms = Math.max(this.ms, next.due);
      if (next.period > 0) next.due += next.period;
      else next.cancelled = true;
      next.fn();
    }
    this.ms = target;
  }
  /** Sets the wall clock to an absolute time (ms since epoch) without firing timers. */
  set(ms: number): void {
    this.ms = ms;
  }
}

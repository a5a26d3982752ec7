/**
 * ServerControl: the knobs a running simulator exposes to the web API, tests and harnesses —
 * reply delay (fixed, or a range re-drawn every second), disable/enable (close and reopen the
 * listening port, dropping sessions), done (clean exit), latency and idle timeout.
 *
 * Reads are synchronous (the per-request hot path consults the delay); changes are Effects and
 * are observable as a Stream.
 */
import { Context, Deferred, Effect, FiberHandle, Layer, Option, Random, Schedule, Stream, SubscriptionRef } from "effect"

export interface DelaySetting {
  /** The delay in force now, seconds. */
  readonly value: number
  /** When set, `value` is re-drawn uniformly from this range every second. */
  readonly range: readonly [number, number] | undefined
}

export interface ControlState {
  readonly delay: DelaySetting
  readonly disabled: boolean
  readonly done: boolean
  /** Seconds: how often background sweeps (connection expiry, idle sessions) run. */
  readonly latency: number
  /** Seconds a TCP session may stay idle before it is closed (0 = never). */
  readonly timeout: number
  /** The TCP port is open (reported by the listener; false while disabled). */
  readonly listening: boolean
}

export interface ServerControlService {
  /** The current state, read synchronously (hot path). */
  readonly unsafeState: () => ControlState
  readonly state: Effect.Effect<ControlState>
  readonly changes: Stream.Stream<ControlState>
  /**
   * Call `listener` synchronously after every change (returns the unsubscribe). Lighter than
   * `changes` for the listeners every controller of a fleet keeps (no stream per controller).
   */
  readonly onChange: (listener: (state: ControlState) => void) => () => void
  readonly setDelay: (value: number) => Effect.Effect<void>
  readonly setDelayRange: (range: readonly [number, number] | undefined) => Effect.Effect<void>
  /**
   * Disable (close the port, drop sessions) or enable (listen again). Each waits (up to 2 s) for
   * the TCP listener to follow: disabling until the port is closed, enabling until it is open
   * again, so a client may connect as soon as it returns.
   */
  readonly setDisabled: (disabled: boolean) => Effect.Effect<void>
  /** Reported by the TCP listener when its port opens or closes. */
  readonly setListening: (listening: boolean) => Effect.Effect<void>
  readonly setLatency: (seconds: number) => Effect.Effect<void>
  readonly setTimeout: (seconds: number) => Effect.Effect<void>
  /** Ask the server to exit cleanly. */
  readonly finish: Effect.Effect<void>
  /** Completes when `finish` has been called. */
  readonly awaitDone: Effect.Effect<void>
}

export class ServerControl extends Context.Tag("cpppo/server/ServerControl")<ServerControl, ServerControlService>() {}

export interface ControlOptions {
  readonly delay?: number | readonly [number, number]
  readonly latency?: number
  readonly timeout?: number
}

/** Parse `-d` values: `0.5` or `0.1-0.9` (seconds). */
export const parseDelay = (text: string): Option.Option<number | readonly [number, number]> => {
  const m = /^\s*(\d+(?:\.\d*)?|\.\d+)\s*(?:-\s*(\d+(?:\.\d*)?|\.\d+)\s*)?$/.exec(text)
  if (m === null) return Option.none()
  const lo = Number(m[1])
  if (m[2] === undefined) return Option.some(lo)
  const hi = Number(m[2])
  return hi >= lo ? Option.some([lo, hi] as const) : Option.none()
}

/** Build the control service; a background fiber re-draws a delay range every second. */
export const makeServerControl = (options: ControlOptions = {}) =>
  Effect.gen(function* () {
    const initialRange = Array.isArray(options.delay) ? (options.delay as readonly [number, number]) : undefined
    const initial: ControlState = {
      delay: { value: initialRange !== undefined ? initialRange[0] : ((options.delay as number | undefined) ?? 0), range: initialRange },
      disabled: false,
      done: false,
      latency: options.latency ?? 0.5,
      timeout: options.timeout ?? 120,
      listening: false
    }
    let current = initial
    let listener = false // a listener reports its state (otherwise enabling has nothing to wait for)
    const ref = yield* SubscriptionRef.make(initial)
    const done = yield* Deferred.make<void>()
    const listeners = new Set<(state: ControlState) => void>()
    const update = (f: (s: ControlState) => ControlState) =>
      SubscriptionRef.updateAndGet(ref, f).pipe(Effect.tap((s) => Effect.sync(() => {
        current = s
        for (const l of listeners) l(s)
      })), Effect.asVoid)

    const redraw = Effect.gen(function* () {
      const range = current.delay.range
      if (range === undefined) return
      const value = range[0] + (yield* Random.next) * (range[1] - range[0])
      yield* update((s) => (s.delay.range === range ? { ...s, delay: { value, range } } : s))
    })
    // The re-draw runs only while a range is set (a fleet has hundreds of these controls).
    const redrawing = yield* FiberHandle.make<void, never>()
    const redrawWhileRanged = Effect.suspend(() =>
      current.delay.range === undefined
        ? FiberHandle.clear(redrawing)
        : FiberHandle.run(redrawing, Effect.repeat(Effect.zipRight(Effect.sleep("1 second"), redraw), Schedule.forever), { onlyIfMissing: true }).pipe(Effect.asVoid))
    if (initialRange !== undefined) yield* redraw
    yield* redrawWhileRanged

    const service: ServerControlService = {
      unsafeState: () => current,
      state: Effect.sync(() => current),
      changes: ref.changes,
      onChange: (listener) => {
        listeners.add(listener)
        return () => { listeners.delete(listener) }
      },
      setDelay: (value) => update((s) => ({ ...s, delay: { value: Math.max(0, value), range: undefined } })).pipe(Effect.zipRight(redrawWhileRanged)),
      setDelayRange: (range) =>
        (range === undefined
          ? update((s) => ({ ...s, delay: { value: s.delay.value, range: undefined } }))
          : update((s) => ({ ...s, delay: { value: range[0], range } })).pipe(Effect.zipRight(redraw))).pipe(Effect.zipRight(redrawWhileRanged)),
      setDisabled: (disabled) =>
        update((s) => ({ ...s, disabled })).pipe(
          Effect.zipRight(
            !listener
              ? Effect.void
              : ref.changes.pipe(
                  // Until the listener has followed (or a later call changed the flag back): an
                  // enable right after a disable must not return on the port still open from before.
                  Stream.filter(disabled ? (s) => !s.listening || !s.disabled : (s) => s.listening || s.disabled),
                  Stream.take(1),
                  Stream.runDrain,
                  Effect.timeoutTo({ duration: "2 seconds", onTimeout: () => undefined, onSuccess: () => undefined })
                )
          )
        ),
      setListening: (listening) => Effect.suspend(() => { listener = true; return update((s) => ({ ...s, listening })) }),
      setLatency: (latency) => update((s) => ({ ...s, latency: Math.max(0.01, latency) })),
      setTimeout: (timeout) => update((s) => ({ ...s, timeout: Math.max(0, timeout) })),
      finish: update((s) => ({ ...s, done: true })).pipe(Effect.zipRight(Deferred.succeed(done, undefined)), Effect.asVoid),
      awaitDone: Deferred.await(done)
    }
    return service
  })

export const ServerControlLive = (options: ControlOptions = {}) => Layer.scoped(ServerControl, makeServerControl(options))

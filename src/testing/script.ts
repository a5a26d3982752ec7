/**
 * Scripts for the test harness: what a simulated HMI/SCADA client does, step by step — reads with
 * expected values, writes, pauses, faults injected into the simulator, custom checks — and the
 * report of what it saw.
 */
import type { Duration, Effect } from "effect"
import type { CipValue, TypeName } from "../cip/types.js"
import type { ClientService } from "../client/client.js"
import type { SessionOptions } from "../client/session.js"

/** A fault injected into the running simulator (the knobs the web API turns). */
export type Fault =
  /** Delay every reply by this many seconds (0 ends it). */
  | { readonly _tag: "Delay"; readonly seconds: number }
  /** Answer every access to `tag` with this CIP status (until cleared). */
  | { readonly _tag: "ForceError"; readonly tag: string; readonly status: number; readonly extStatus?: ReadonlyArray<number> }
  | { readonly _tag: "ClearError"; readonly tag: string }
  /**
   * Drop TCP sessions (clients see EOF): every session (as the web API's eof of all connections),
   * or only the session of the script that injects it ("own": a cable pulled at one HMI).
   */
  | { readonly _tag: "Eof"; readonly which?: "all" | "own" }
  /** Stop accepting and serving sessions / start again. */
  | { readonly _tag: "Disable" }
  | { readonly _tag: "Enable" }

/** What a read (or write) must come to; omit for "must succeed". */
export interface Expectation {
  /** Exact values (numbers compare with a relative tolerance of 1e-6 for REALs), or a predicate. */
  readonly values?: ReadonlyArray<CipValue> | ((values: ReadonlyArray<CipValue>) => boolean)
  /** The CIP status expected (e.g. 0x05 for an unknown tag); default 0. */
  readonly status?: number
  /** Expect no reply at all (timeout or closed connection). */
  readonly noReply?: boolean
}

export type Step =
  | { readonly _tag: "Read"; readonly tag: string; readonly expect?: Expectation }
  | { readonly _tag: "Write"; readonly tag: string; readonly values: ReadonlyArray<CipValue>; readonly type?: TypeName; readonly expect?: Expectation }
  | { readonly _tag: "Pause"; readonly duration: Duration.DurationInput }
  | { readonly _tag: "Fault"; readonly fault: Fault }
  /** Close the session and open a new one (after an EOF or disable). */
  | { readonly _tag: "Reconnect" }
  /** Any check of your own against the client: fail (or return false) to mark the step failed. */
  | { readonly _tag: "Check"; readonly name: string; readonly run: (client: ClientService) => Effect.Effect<boolean | void, unknown> }

/** A named script run by one client fiber. */
export interface Script {
  readonly name: string
  readonly steps: ReadonlyArray<Step>
  /** Session options (connected mode, timeout, …); host and port come from the simulator. */
  readonly client?: Partial<Omit<SessionOptions, "host" | "port">>
  /** Run the steps this many times (default 1). */
  readonly repeat?: number
}

/** Step constructors, so scripts read as a list of actions. */
export const step = {
  read: (tag: string, expect?: Expectation | ReadonlyArray<CipValue>): Step =>
    ({ _tag: "Read", tag, ...(expect === undefined ? {} : { expect: Array.isArray(expect) ? { values: expect as ReadonlyArray<CipValue> } : (expect as Expectation) }) }),
  write: (tag: string, values: ReadonlyArray<CipValue>, options: { type?: TypeName; expect?: Expectation } = {}): Step =>
    ({ _tag: "Write", tag, values, ...(options.type ? { type: options.type } : {}), ...(options.expect ? { expect: options.expect } : {}) }),
  pause: (duration: Duration.DurationInput): Step => ({ _tag: "Pause", duration }),
  fault: (fault: Fault): Step => ({ _tag: "Fault", fault }),
  reconnect: (): Step => ({ _tag: "Reconnect" }),
  check: (name: string, run: (client: ClientService) => Effect.Effect<boolean | void, unknown>): Step => ({ _tag: "Check", name, run })
} as const

export const fault = {
  delay: (seconds: number): Fault => ({ _tag: "Delay", seconds }),
  forceError: (tag: string, status: number, extStatus?: ReadonlyArray<number>): Fault =>
    ({ _tag: "ForceError", tag, status, ...(extStatus ? { extStatus } : {}) }),
  clearError: (tag: string): Fault => ({ _tag: "ClearError", tag }),
  /** `eof()` drops every session; `eof("own")` only the injecting script's. */
  eof: (which: "all" | "own" = "all"): Fault => ({ _tag: "Eof", which }),
  disable: (): Fault => ({ _tag: "Disable" }),
  enable: (): Fault => ({ _tag: "Enable" })
} as const

/** What one step came to. */
export interface StepReport {
  readonly index: number
  readonly description: string
  readonly ok: boolean
  /** Milliseconds since the script started. */
  readonly at: number
  readonly values?: ReadonlyArray<CipValue>
  readonly status?: number
  readonly detail?: string
}

export interface ScriptReport {
  readonly name: string
  readonly ok: boolean
  readonly steps: ReadonlyArray<StepReport>
}

export interface HarnessReport {
  readonly ok: boolean
  readonly scripts: ReadonlyArray<ScriptReport>
}

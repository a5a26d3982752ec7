/**
 * Running machines: one-shot (`run`), traced (`trace`), and incremental (`Parser`), where the run
 * suspends when input runs out and resumes when more is fed.
 *
 * @module
 */
import { Data as EffectData, Either } from "effect"
import type { Data } from "./path.js"
import { type Chunk, Source } from "./source.js"
import { type RunContext, NonTerminalSignal, type State, type Step } from "./state.js"

/** A run that ended normally: the machine made no further transition. */
export interface Accepted {
  readonly _tag: "Accepted"
  /** Whether the machine is terminal (built terminal, ended in a terminal state, all cycles done). */
  readonly terminal: boolean
  /** Symbols consumed by this run. */
  readonly consumed: number
  /** Name of the last state entered (anywhere in the machine), or null. */
  readonly state: string | null
  /** The collected data. */
  readonly data: Data
}

/**
 * The machine stopped in a non-terminal state (no transition for the next symbol, or no input
 * left). The symbol that stopped it was not consumed; `consumed` and `data` show what was taken.
 */
export class NonTerminal extends EffectData.TaggedError("NonTerminal")<{
  readonly message: string
  /** Name of the (sub-)machine that stopped. */
  readonly machine: string
  /** Name of the state it stopped in, or null. */
  readonly state: string | null
  readonly consumed: number
  readonly data: Data
}> {}

/** The outcome of a complete run. */
export type RunResult = Either.Either<Accepted, NonTerminal>

/** A traced transition: `machine` entered `state`, or (state null) waits for input. */
export type Transition = Step

/** The state machine of one run: a generator plus its context. */
class Execution {
  readonly ctx: RunContext
  readonly gen: Generator<Step, State | null, void>
  readonly start: number

  constructor(
    readonly machine: State,
    src: Source,
    data: Data,
    trace: boolean
  ) {
    this.ctx = { src, data, trace, last: null, lastMachine: null }
    this.start = src.sent
    this.gen = machine.run(this.ctx, null, "", Infinity)
  }

  /** Advances until a step to report; returns the step, or the final result. */
  step(): { readonly step: Step } | { readonly result: RunResult } {
    try {
      const r = this.gen.next()
      if (!r.done) return { step: r.value }
      return { result: Either.right(this.accepted()) }
    } catch (e) {
      if (e instanceof NonTerminalSignal) {
        return {
          result: Either.left(
            new NonTerminal({
              message: e.reason,
              machine: e.machine.name,
              state: e.state?.name ?? null,
              consumed: this.ctx.src.sent - this.start,
              data: this.ctx.data
            })
          )
        }
      }
      throw e
    }
  }

  accepted(): Accepted {
    return {
      _tag: "Accepted",
      terminal: this.machine.terminal,
      consumed: this.ctx.src.sent - this.start,
      state: this.ctx.last?.name ?? null,
      data: this.ctx.data
    }
  }
}

const toSource = (input: Chunk | Source): Source => (input instanceof Source ? input : Source.of(input))

/**
 * Runs `machine` over all of `input` (a string, bytes, or an ended {@link Source}) and returns
 * what it accepted, or a {@link NonTerminal} failure. Never throws for bad input.
 */
export const run = (machine: State, input: Chunk | Source, data: Data = {}): RunResult => {
  const src = toSource(input)
  if (!src.ended) src.end()
  const exec = new Execution(machine, src, data, false)
  for (;;) {
    const r = exec.step()
    if ("result" in r) return r.result
  }
}

/**
 * Runs `machine` over all of `input`, yielding every transition (`{machine, state}`), like
 * iterating cpppo's `machine.run(...)`. The generator's return value is the {@link RunResult}.
 */
export function* trace(machine: State, input: Chunk | Source, data: Data = {}): Generator<Transition, RunResult, void> {
  const src = toSource(input)
  if (!src.ended) src.end()
  const exec = new Execution(machine, src, data, true)
  for (;;) {
    const r = exec.step()
    if ("result" in r) return r.result
    yield r.step
  }
}

/** Incremental status: the run waits for more input. */
export interface NeedsInput {
  readonly _tag: "NeedsInput"
  /** Symbols consumed so far by the current run. */
  readonly consumed: number
}

/**
 * An incremental run: `feed` chunks as they arrive; each call returns {@link NeedsInput} while the
 * machine waits, or the {@link RunResult} once it has stopped. `end` declares that no more input
 * will come and returns the final result.
 */
export class Parser {
  readonly source: Source
  private readonly exec: Execution
  private result: RunResult | undefined

  constructor(
    machine: State,
    options: { readonly kind?: "text" | "bytes"; readonly data?: Data; readonly source?: Source } = {}
  ) {
    this.source = options.source ?? new Source(options.kind ?? "text")
    this.exec = new Execution(machine, this.source, options.data ?? {}, false)
  }

  /** Feeds a chunk and advances the machine as far as the buffered input allows. */
  feed(chunk: Chunk): NeedsInput | RunResult {
    if (this.result === undefined) this.source.feed(chunk)
    return this.advance()
  }

  /** Advances over input already in the source (e.g. fed to it directly). */
  resume(): NeedsInput | RunResult {
    return this.advance()
  }

  /** Declares the end of input and returns the final result. */
  end(): RunResult {
    this.source.end()
    const r = this.advance()
    // With the source ended no state waits, so the run always completes here.
    return "_tag" in r && r._tag === "NeedsInput" ? Either.right(this.exec.accepted()) : (r as RunResult)
  }

  private advance(): NeedsInput | RunResult {
    if (this.result !== undefined) return this.result
    for (;;) {
      const r = this.exec.step()
      if ("result" in r) {
        this.result = r.result
        return r.result
      }
      if (r.step.state === null && !this.source.ended && this.source.peek() < 0) {
        return { _tag: "NeedsInput", consumed: this.source.sent - this.exec.start }
      }
    }
  }
}

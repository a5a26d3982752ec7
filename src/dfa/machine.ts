/**
 * `Dfa`: a machine that runs a sub-machine of states (cpppo's `dfa`), and is itself a state, so
 * machines compose: when the inner machine cannot take the next symbol and stopped in a terminal
 * state, the outer machine's own transitions are tried on that symbol.
 *
 * @module
 */
import { type RunContext, NonTerminalSignal, resolveCount, State, type StateOptions, type Step } from "./state.js"

/** Options of a {@link Dfa}. */
export interface DfaOptions extends StateOptions {
  /** The initial state of the sub-machine. */
  readonly initial: State
  /** Run the sub-machine this many times (a number or a data path relative to the context). */
  readonly repeat?: number | string
}

/**
 * A deterministic finite automaton over a graph of states, usable as a state of a larger machine.
 *
 * A `Dfa` keeps its current state and cycle between steps, so one instance runs one parse at a
 * time (as in cpppo); build one per concurrent parse.
 */
export class Dfa extends State {
  readonly initial: State
  readonly repeat: number | string | undefined
  /** The sub-machine's current state. */
  current: State
  /** Sub-machine cycles completed or under way, and how many are required. */
  cycle = 0
  final = 1
  protected override readonly delegates = true

  constructor(name: string, options: DfaOptions) {
    super(name, options)
    this.initial = options.initial
    this.current = options.initial
    this.repeat = options.repeat
  }

  /** Terminal only if built terminal, the sub-machine is in a terminal state and every cycle ran. */
  override get terminal(): boolean {
    return this._terminal && this.current.terminal && this.cycle >= this.final
  }

  override toString(): string {
    return `${this.name}.${this.current}`
  }

  /** Runs the sub-machine for each required cycle. @internal */
  protected override *delegate(ctx: RunContext, path: string, ending: number): Generator<Step, void, void> {
    const ctxPath = this.contextPath(path)
    const src = ctx.src
    this.cycle = 0
    this.final =
      this.repeat === undefined
        ? 1
        : resolveCount(this.repeat, { machine: this, source: src, path: ctxPath, data: ctx.data })
    while (this.cycle < this.final) {
      this.cycle++
      let current = this.initial
      this.current = current
      ctx.last = current
      ctx.lastMachine = this
      if (ctx.trace) yield { machine: this, state: current }
      // Stasis guard: states entered since the last symbol was consumed; re-entering one of them
      // without progress would loop forever (cpppo's (state, symbol, sent) crumbs).
      let sentAt = src.sent
      let visited: Array<State> = [current]
      for (;;) {
        const target = yield* current.run(ctx, this, ctxPath, ending)
        if (target === null) break
        if (src.sent !== sentAt) {
          sentAt = src.sent
          visited = [target]
        } else if (visited.includes(target)) break
        else visited.push(target)
        current = target
        this.current = target
        ctx.last = target
        ctx.lastMachine = this
        if (ctx.trace) yield { machine: this, state: target }
      }
      if (!current.terminal) {
        throw new NonTerminalSignal(this, current, `${this.name} sub-machine stopped in non-terminal state ${current}`)
      }
    }
  }
}

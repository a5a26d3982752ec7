/**
 * States: the nodes of a machine, and how each one processes a symbol and picks its transition.
 *
 * Modelled on cpppo's `automata.state`: a state is entered, processes (consumes or not) the
 * pending symbol, then looks for an outgoing transition on the next symbol — exact symbol first,
 * then sets/ranges/predicates in the order added, then the default ("any other symbol"), and
 * finally the epsilon (no-input) transition, which is also taken when no input is left.
 *
 * @module
 */
import { appendInput, type Data, joinPath, PathKeys, resolvePath, getPath } from "./path.js"
import { EOF, NEED, type Source } from "./source.js"

/** What a machine yields while it runs: a transition into `state`, or (state null) a non-transition. */
export interface Step {
  /** The machine that moved (or waits). */
  readonly machine: State | null
  /** The state entered, or null when the machine waits for input. */
  readonly state: State | null
}

/** Arguments handed to decisions, computed limits and repeat counts. */
export interface DecideArgs {
  readonly machine: State | null
  readonly source: Source
  /** The data path of the machine making the decision (its context included). */
  readonly path: string
  readonly data: Data
}

/**
 * A conditional transition (cpppo's `decide`): taken when `predicate` holds on the collected data;
 * otherwise the next alternative for the same symbol is tried.
 */
export class Decide {
  constructor(
    readonly name: string,
    readonly target: State | null,
    readonly predicate: (args: DecideArgs) => boolean = () => true
  ) {}
  toString(): string {
    return `${this.name}?${this.target?.name ?? "None"}`
  }
}

/** A transition target: a state, an explicit non-transition (null), or decisions tried in order. */
export type Target = State | null | ReadonlyArray<Decide | State | null>

/** A symbol limit: a count, a data path (relative to the machine's context), or a function. */
export type Limit = number | string | ((args: DecideArgs) => number)

/** Per-run context shared by every state of one run. @internal */
export interface RunContext {
  readonly src: Source
  readonly data: Data
  /** When true every transition is yielded (for tracing); otherwise only waits for input. */
  readonly trace: boolean
  /** The last state entered, anywhere in the machine. */
  last: State | null
  /** The machine that entered {@link last}. */
  lastMachine: State | null
}

/** Thrown inside a run when a machine stops in a non-terminal state; turned into a value by `run`. @internal */
export class NonTerminalSignal {
  constructor(
    readonly machine: State,
    readonly state: State | null,
    readonly reason: string
  ) {}
}

/** The waiting step yielded when tracing is off (no allocation per wait). @internal */
export const WAIT: Step = { machine: null, state: null }

/** How a state treats the symbol it is entered on. */
export type Consumes = "none" | "input" | "drop"

/** Options shared by every state. */
export interface StateOptions {
  /** A state where the machine may stop (accept). */
  readonly terminal?: boolean
  /** Data context added to the path (for input states: where `.input` is collected). */
  readonly context?: string
  /** Greedy (default): keep transitioning while possible; otherwise stop at the first terminal state. */
  readonly greedy?: boolean
  /** Caps the symbols consumed from this state on (after which only epsilon transitions apply). */
  readonly limit?: Limit
}

interface RangeEdge {
  readonly lo: number
  readonly hi: number
  readonly test: ((sym: number) => boolean) | undefined
  readonly target: Target
}

const toSymbol = (s: string | number): number => (typeof s === "number" ? s : s.codePointAt(0)!)

/** A state that consumes nothing: a decision point (cpppo's `state`). */
export class State {
  /** How the state treats the pending symbol on entry. */
  readonly consumes: Consumes = "none"
  readonly context: string | undefined
  readonly greedy: boolean
  readonly limit: Limit | undefined
  protected readonly _terminal: boolean
  private readonly exact = new Map<number, Target>()
  private readonly edges: Array<RangeEdge> = []
  private anyTarget: Target | undefined
  private epsilonTarget: Target | undefined
  private readonly inputKeys = new PathKeys()
  private joinBase: string | undefined
  private joined = ""
  private inputBase: string | undefined
  private inputPath = ""

  constructor(
    readonly name: string,
    options: StateOptions = {}
  ) {
    this._terminal = options.terminal ?? false
    this.context = options.context
    this.greedy = options.greedy ?? true
    this.limit = options.limit
  }

  /**
   * This state's data path under `path` (its context appended), memoized: the same path string
   * object comes back on every entry, so paths are not rebuilt (and re-allocated) per symbol.
   * @internal
   */
  contextPath(path: string): string {
    if (path !== this.joinBase) {
      this.joinBase = path
      this.joined = joinPath(path, this.context)
    }
    return this.joined
  }

  /** Where an input state collects: `<contextPath>.input` (memoized). @internal */
  protected inputPathOf(path: string): string {
    const ctx = this.contextPath(path)
    if (ctx !== this.inputBase) {
      this.inputBase = ctx
      // Not `ctx + ".input"`: a machine without a context collects at `input`, not at `"".input`.
      this.inputPath = joinPath(ctx, "input")
    }
    return this.inputPath
  }

  /** Whether the machine may stop here. */
  get terminal(): boolean {
    return this._terminal
  }

  /** True if some transition needs an input symbol to be decided. */
  get hasInputTransitions(): boolean {
    return this.exact.size > 0 || this.edges.length > 0 || this.anyTarget !== undefined
  }

  /** Adds `target` as an alternative after any already present (cpppo: a list of decides, then a state). */
  private static add(prev: Target | undefined, target: Target | Decide): Target {
    if (prev === undefined) return target instanceof Decide ? [target] : target
    const list = Array.isArray(prev) ? [...(prev as ReadonlyArray<Decide | State | null>)] : [prev as State | null]
    if (Array.isArray(target)) list.push(...(target as ReadonlyArray<Decide | State | null>))
    else list.push(target as Decide | State | null)
    return list
  }

  /** Transition on one symbol (a one-character string or a number); adds a decision if one exists. */
  on(symbol: string | number, target: Target | Decide): this {
    const sym = toSymbol(symbol)
    this.exact.set(sym, State.add(this.exact.get(sym), target))
    return this
  }

  /** Transition on any of the symbols given (each character of a string, or each number). */
  onSet(symbols: string | Iterable<number>, target: Target): this {
    const list = typeof symbols === "string" ? Array.from(symbols, (c) => c.codePointAt(0)!) : symbols
    for (const s of list) this.on(s, target)
    return this
  }

  /** Transition on any symbol in `lo..hi` (inclusive; characters or numbers). */
  onRange(lo: string | number, hi: string | number, target: Target): this {
    this.edges.push({ lo: toSymbol(lo), hi: toSymbol(hi), test: undefined, target })
    return this
  }

  /** Transition on any symbol satisfying `test`. */
  onPredicate(test: (sym: number) => boolean, target: Target): this {
    this.edges.push({ lo: 0, hi: -1, test, target })
    return this
  }

  /** Transition on any other symbol (cpppo's `True` key): only when a symbol is present. */
  onAny(target: Target | Decide): this {
    this.anyTarget = State.add(this.anyTarget, target)
    return this
  }

  /** Epsilon (no-input, cpppo's `None` key) transition: taken on any unmatched symbol or no input. */
  onEpsilon(target: Target | Decide): this {
    this.epsilonTarget = State.add(this.epsilonTarget, target)
    return this
  }

  /** The target for a present symbol, or undefined if none. */
  lookup(sym: number): Target | undefined {
    const t = this.exact.get(sym)
    if (t !== undefined) return t
    for (const e of this.edges) {
      if (e.test !== undefined ? e.test(sym) : sym >= e.lo && sym <= e.hi) return e.target
    }
    return this.anyTarget !== undefined ? this.anyTarget : this.epsilonTarget
  }

  /** The epsilon target (used when no input is left, or the symbol limit is reached). */
  get epsilon(): Target | undefined {
    return this.epsilonTarget
  }

  /** Every state reachable from this one by its own transitions (not into sub-machines). */
  targets(): Array<State> {
    const out: Array<State> = []
    const addT = (t: Target | undefined): void => {
      if (t === undefined || t === null) return
      if (t instanceof State) {
        out.push(t)
        return
      }
      for (const x of t) {
        if (x instanceof State) out.push(x)
        else if (x instanceof Decide && x.target !== null) out.push(x.target)
      }
    }
    this.exact.forEach(addT)
    this.edges.forEach((e) => addT(e.target))
    addT(this.anyTarget)
    addT(this.epsilonTarget)
    return out
  }

  toString(): string {
    return this.terminal ? `((${this.name}))` : `( ${this.name} )`
  }

  /**
   * Runs this state: waits for and processes its symbol, runs any sub-machine, then picks the
   * outgoing transition. Returns the target state, or null if there is none. @internal
   */
  *run(ctx: RunContext, machine: State | null, path: string, ending: number): Generator<Step, State | null, void> {
    const src = ctx.src
    if (this.consumes !== "none") {
      for (;;) {
        const sym = src.peek()
        if (sym >= 0) break
        if (sym === EOF) throw new NonTerminalSignal(machine ?? this, this, `${this} needs a symbol but input ended`)
        yield ctx.trace ? { machine, state: null } : WAIT
      }
      const sym = src.next()
      if (this.consumes === "input") {
        appendInput(ctx.data, this.inputKeys.get(this.inputPathOf(path)), sym, src.kind === "text")
      }
    }
    if (this.limit !== undefined) {
      const n = resolveCount(this.limit, { machine, source: src, path: this.contextPath(path), data: ctx.data })
      if (src.sent + n < ending) ending = src.sent + n
    }
    if (this.delegates) yield* this.delegate(ctx, path, ending)
    if (this.finishes) this.finish(ctx.data, this.contextPath(path))
    // Decide synchronously when possible; a generator only when the run must wait for input.
    const t = this.nextTarget(ctx, machine, path, ending)
    return t !== undefined ? t : yield* this.transition(ctx, machine, path, ending)
  }

  /** Runs a sub-machine (none for a plain state). @internal */
  protected *delegate(_ctx: RunContext, _path: string, _ending: number): Generator<Step, void, void> {
    return
  }

  /** True when the state runs a sub-machine ({@link delegate}). */
  protected readonly delegates: boolean = false

  /** True when {@link finish} does something (saves building its path on every entry). */
  protected readonly finishes: boolean = false

  /** Called once the state (and its sub-machine) completed, before its transition: converts data. */
  protected finish(_data: Data, _contextPath: string): void {}

  /**
   * The outgoing transition if it can be decided now: a state, null (none), or undefined when it
   * depends on a symbol not yet fed. @internal
   */
  protected nextTarget(ctx: RunContext, machine: State | null, path: string, ending: number): State | null | undefined {
    if (this.terminal && !this.greedy) return null
    const src = ctx.src
    let target: Target | undefined
    if (src.sent >= ending) target = this.epsilonTarget
    else {
      const sym = src.peek()
      if (sym >= 0) target = this.lookup(sym)
      // The choice depends on a symbol not yet here: wait, so the result does not depend on how
      // the input was split into chunks.
      else if (sym === NEED && this.hasInputTransitions) return undefined
      else target = this.epsilonTarget
    }
    if (target === undefined || target === null) return null
    if (target instanceof State) return target
    return decideTarget(target, { machine, source: src, path, data: ctx.data })
  }

  /** Finds the outgoing transition, waiting for input if it depends on the next symbol. @internal */
  protected *transition(
    ctx: RunContext,
    machine: State | null,
    path: string,
    ending: number
  ): Generator<Step, State | null, void> {
    for (;;) {
      const t = this.nextTarget(ctx, machine, path, ending)
      if (t !== undefined) return t
      yield ctx.trace ? { machine, state: null } : WAIT
    }
  }
}

/** Resolves a list of decisions (and a final state) to the first that applies. */
const decideTarget = (choices: ReadonlyArray<Decide | State | null>, args: DecideArgs): State | null => {
  for (const c of choices) {
    if (c === null || c instanceof State) return c
    if (c.predicate(args) && c.target !== null) return c.target
  }
  return null
}

/** Resolves a count given as a number, a data path relative to `args.path`, or a function. @internal */
export const resolveCount = (limit: Limit, args: DecideArgs): number => {
  if (typeof limit === "number") return limit
  if (typeof limit === "function") return limit(args)
  const v = getPath(args.data, resolvePath(args.path, limit))
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0
}

/** A state that consumes its symbol and appends it to `<path>.<context>.input` (cpppo's `state_input`). */
export class StateInput extends State {
  override readonly consumes: Consumes = "input"
}

/** A state that consumes its symbol and discards it (cpppo's `state_drop`). */
export class StateDrop extends State {
  override readonly consumes: Consumes = "drop"
}

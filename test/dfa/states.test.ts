/**
 * States and graph machines: how alternatives for one symbol are tried (decisions in order, a
 * decision without a target, an explicit stop), which transition wins, when a state waits for input
 * and when it does not, symbol limits and repeat counts from data, what a stop reports (machine,
 * state, reason), names as printed, and the states a state can reach.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { Decide, Dfa, Parser, run, State, StateDrop, StateInput, trace } from "../../src/dfa/index.js"

const lastState = (r: ReturnType<typeof run>) => (Either.isRight(r) ? r.right.state : `left:${r.left.state}`)
const ok = (name: string) => new State(name, { terminal: true })
const machine = (initial: State, context?: string) =>
  new Dfa("m", { initial, terminal: true, ...(context === undefined ? {} : { context }) })

describe("alternatives", () => {
  it("decisions for one symbol are tried in the order added; a failing one falls through", () => {
    const s = new State("s")
    s.on("a", new Decide("no", ok("A1"), () => false))
    s.on("a", new Decide("yes", ok("A2"), () => true))
    s.on("a", ok("A3"))
    expect(lastState(run(machine(s), "a"))).toBe("A2")
    const t = new State("t")
    t.on("a", new Decide("no", ok("B1"), () => false))
    t.on("a", [new Decide("no2", ok("B2"), () => false), ok("B3")])
    expect(lastState(run(machine(t), "a"))).toBe("B3")
  })

  it("a decision without a predicate always holds; a second state for a symbol is kept behind the first", () => {
    const s = new State("s")
    s.on("a", new Decide("always", ok("D")))
    expect(lastState(run(machine(s), "a"))).toBe("D")
    const t = ok("t")
    const first = ok("T1")
    const second = ok("T2")
    t.on("a", first)
    t.on("a", second)
    t.onEpsilon(null)
    t.onEpsilon(second)
    expect(lastState(run(machine(t), "a"))).toBe("T1")
    expect(t.lookup(0x61)).toEqual([first, second])
    expect(t.epsilon).toEqual([null, second])
    expect(lastState(run(machine(t), ""))).toBe("t")
    expect(new State("u").epsilon).toBeUndefined()
  })

  it("a decision that holds but has no target is passed over; an explicit null stops", () => {
    const s = new State("s", { terminal: true })
    s.onEpsilon(new Decide("skip", null, () => true))
    s.onEpsilon(ok("after"))
    expect(lastState(run(machine(s), ""))).toBe("after")
    const t = new State("t", { terminal: true })
    t.onEpsilon([null, ok("never")])
    expect(lastState(run(machine(t), ""))).toBe("t")
    const u = new State("u", { terminal: true })
    u.onEpsilon(new Decide("none", ok("x"), () => false))
    expect(lastState(run(machine(u), ""))).toBe("u")
  })

  it("a decision sees the machine, the source, the machine's data path and the data", () => {
    const seen: Array<unknown> = []
    const s = new StateInput("s")
    const m = new Dfa("m", { initial: s, terminal: true, context: "ctx" })
    s.onEpsilon(new Decide("look", ok("end"), (a) => {
      seen.push(a.machine?.name, a.path, a.source.sent, JSON.stringify(a.data))
      return true
    }))
    expect(lastState(run(m, "q", { pre: 1 }))).toBe("end")
    expect(seen).toEqual(["m", "ctx", 1, JSON.stringify({ pre: 1, ctx: { input: "q" } })])
  })

  it("an exact symbol beats a range, ranges and predicates go in the order added, any other symbol before epsilon", () => {
    const s = new State("s")
    s.onRange("a", "z", ok("range1")).on("m", ok("exact")).onPredicate((c) => c === 0x62, ok("pred")).onRange("b", "c", ok("range2"))
    s.onSet([0x31, 0x32], ok("digits"))
    s.onEpsilon(ok("eps"))
    const m = () => machine(s)
    expect(["m", "b", "c", "1", "2", "#"].map((x) => lastState(run(m(), x)))).toEqual(["exact", "range1", "range1", "digits", "digits", "eps"])
    const p = new State("p")
    p.onPredicate((c) => c === 0x62, ok("pred")).onRange("a", "z", ok("range"))
    expect(["b", "a"].map((x) => lastState(run(machine(p), x)))).toEqual(["pred", "range"])
    const q = new State("q")
    q.onAny(ok("any")).onEpsilon(ok("eps"))
    expect([lastState(run(machine(q), "#")), lastState(run(machine(q), ""))]).toEqual(["any", "eps"])
    expect(new State("n").lookup(0x41)).toBeUndefined()
  })

  it("a range includes both ends", () => {
    const s = new State("s")
    s.onRange(0x10, 0x20, ok("in"))
    expect([0x0f, 0x10, 0x20, 0x21].map((c) => lastState(run(machine(s), String.fromCodePoint(c))))).toEqual(["left:s", "in", "in", "left:s"])
  })
})

describe("waiting for input", () => {
  it("a state with only an epsilon transition moves on without waiting for the next chunk", () => {
    const x = new StateInput("x", { terminal: true })
    expect([x.hasInputTransitions, new State("e").onEpsilon(x).hasInputTransitions]).toEqual([false, false])
    x.onEpsilon(ok("done"))
    const r = new Parser(machine(x)).feed("q")
    expect(Either.isEither(r) && lastState(r as ReturnType<typeof run>)).toBe("done")
    for (const add of [(s: State) => s.on("q", s), (s: State) => s.onRange("a", "b", s), (s: State) => s.onAny(s), (s: State) => s.onPredicate(() => false, s)]) {
      const y = new StateInput("y", { terminal: true })
      add(y)
      y.onEpsilon(ok("done"))
      expect(y.hasInputTransitions).toBe(true)
      const p = new Parser(machine(y))
      expect(p.feed("q")._tag).toBe("NeedsInput")
    }
  })

  it("an input state entered with no input left is NonTerminal, naming the machine and the state", () => {
    const s = new State("s")
    s.onEpsilon(new StateInput("in", { terminal: true }))
    const r = run(machine(s, "c"), "")
    expect(Either.isLeft(r) && [r.left.message, r.left.machine, r.left.state]).toEqual(["((in)) needs a symbol but input ended", "m", "in"])
    const bare = run(new StateDrop("d", { terminal: true }), "")
    expect(Either.isLeft(bare) && [bare.left.message, bare.left.machine]).toEqual(["((d)) needs a symbol but input ended", "d"])
  })

  it("a graph machine stopped in a non-terminal state says so", () => {
    const s = new State("s")
    s.on("a", new StateInput("half"))
    const r = run(machine(s), "ab")
    expect(Either.isLeft(r) && [r.left.message, r.left.machine, r.left.state, r.left.consumed]).toEqual(
      ["m sub-machine stopped in non-terminal state ( half )", "m", "half", 1])
  })
})

describe("limits and repeats from data", () => {
  it("a machine's limit caps the symbols its sub-machine takes, counted from where it is entered", () => {
    const loop = () => {
      const start = new State("start", { terminal: true })
      const s = new StateInput("s", { terminal: true })
      start.onAny(s)
      s.onAny(s)
      return start
    }
    const r = run(new Dfa("m", { initial: loop(), terminal: true, context: "c", limit: 2 }), "abcd")
    expect(Either.isRight(r) && [r.right.consumed, r.right.data]).toEqual([2, { c: { input: "ab" } }])
    const head = new StateDrop("h")
    head.onAny(new Dfa("b", { initial: loop(), terminal: true, context: "c", limit: 2 }))
    const q = run(new Dfa("m", { initial: head, terminal: true }), "xyzw")
    expect(Either.isRight(q) && [q.right.consumed, q.right.data]).toEqual([3, { c: { input: "yz" } }])
    // A limit of 0: only epsilon transitions.
    const z = run(new Dfa("m", { initial: loop(), terminal: true, context: "c", limit: 0 }), "ab")
    expect(Either.isRight(z) && [z.right.consumed, z.right.state]).toEqual([0, "start"])
  })

  it("counts given as data paths: numbers, bigints, and anything else as 0", () => {
    const take = (n: unknown) => {
      const start = new State("start", { terminal: true })
      const s = new StateInput("s", { terminal: true })
      start.onAny(s)
      s.onAny(s)
      // Relative to the machine's own path (here "c", the outer context): c.n.
      const r = run(new Dfa("m", { initial: new Dfa("d", { initial: start, terminal: true, limit: "n" }), terminal: true, context: "c" }), "abcdef", { c: { n } })
      return Either.isRight(r) ? r.right.consumed : r.left.message
    }
    expect([take(3), take(2n), take("4"), take(undefined)]).toEqual([3, 2, 0, 0])
    // A machine at the top without a context: ".n" is the root's n (as "n" is).
    const top = (limit: string) => {
      const start = new State("start", { terminal: true })
      const s = new StateInput("s", { terminal: true })
      start.onAny(s)
      s.onAny(s)
      const r = run(new Dfa("m", { initial: start, terminal: true, limit }), "abcdef", { n: 2 })
      return Either.isRight(r) ? r.right.consumed : r.left.message
    }
    expect([top(".n"), top("n")]).toEqual([2, 2])
  })

  it("a graph sub-machine repeated a number of times read from the data", () => {
    const cell = () => {
      const s = new State("s")
      s.onAny(new StateInput("c", { terminal: true, context: "v" }))
      return s
    }
    const two = new Dfa("rep", { initial: cell(), terminal: true, repeat: "n" })
    const q = run(two, "xyzw", { n: 2 })
    expect(Either.isRight(q) && [q.right.consumed, q.right.data, q.right.terminal]).toEqual([2, { n: 2, v: { input: "xy" } }, true])
    const ctx = new Dfa("rep", { initial: cell(), terminal: true, repeat: "n", context: "r" })
    const c = run(ctx, "xyzw", { r: { n: 3 } })
    expect(Either.isRight(c) && c.right.consumed).toBe(3)
    const steps: Array<string> = []
    const g = trace(new Dfa("rep", { initial: cell(), terminal: true, repeat: 2 }), "ab")
    for (let x = g.next(); !x.done; x = g.next()) steps.push(`${x.value.machine?.name}:${x.value.state?.name}`)
    expect(steps).toEqual(["rep:s", "rep:c", "rep:s", "rep:c"])
  })
})

describe("printing and reachability", () => {
  it("states print as cpppo prints them; decisions as name?target", () => {
    expect([String(new State("a")), String(ok("b")), String(new Decide("lt", ok("less"))), String(new Decide("x", null))]).toEqual(
      ["( a )", "((b))", "lt?less", "x?None"])
    const m = new Dfa("m", { initial: new State("s") })
    expect(String(m)).toBe("m.( s )")
  })

  it("targets lists every state a state can move to, through decisions, not through null ones", () => {
    const s = new State("s")
    const [a, b, c, d, e] = ["a", "b", "c", "d", "e"].map((n) => new State(n))
    s.on("x", a).onRange("0", "9", [new Decide("d", b), null, c]).onAny(new Decide("none", null)).onEpsilon(d)
    s.onPredicate(() => true, e)
    expect(s.targets().map((t) => t.name).sort()).toEqual(["a", "b", "c", "d", "e"])
    expect(new State("lonely").targets()).toEqual([])
    expect(new State("stop").on("x", null).onEpsilon(null).targets()).toEqual([])
  })

  it("a zero code point is a symbol an input state takes like any other", () => {
    const s = new StateInput("s", { terminal: true })
    s.onAny(s)
    const r = run(new Dfa("m", { initial: s, terminal: true, context: "c" }), "\u0000a\u0000")
    expect(Either.isRight(r) && [r.right.consumed, r.right.data]).toEqual([3, { c: { input: "\u0000a\u0000" } }])
  })
})

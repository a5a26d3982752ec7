/**
 * The no-progress guard of graph machines (cpppo's crumbs) after symbols were consumed: an epsilon
 * loop entered after a symbol stops where it closed, not on the first state of the loop and not
 * never; and the kind of source a Records cutter reads by default.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { Dfa, Records, run, State, StateInput } from "../../src/dfa/index.js"

describe("no-progress guard", () => {
  it("an epsilon loop entered after a symbol stops where the loop closed", () => {
    const start = new State("start")
    const a = new StateInput("A")
    const t = new State("T", { terminal: true })
    const u = new State("U")
    start.on("x", a)
    a.onEpsilon(t)
    t.onEpsilon(u)
    u.onEpsilon(t)
    const r = run(new Dfa("m", { initial: start, terminal: true }), "xy")
    expect(Either.isLeft(r) && [r.left.state, r.left.consumed, r.left.message]).toEqual(
      ["U", 1, "m sub-machine stopped in non-terminal state ( U )"])
  })

  it("a loop that consumes a symbol each time is progress: it runs to the end of input", () => {
    const start = new State("start")
    const t = new StateInput("T", { terminal: true, context: "c" })
    const u = new State("U", { terminal: true })
    start.on("x", t)
    t.onEpsilon(u)
    u.on("x", t)
    const r = run(new Dfa("m", { initial: start, terminal: true }), "xxxx")
    expect(Either.isRight(r) && [r.right.consumed, r.right.state, r.right.data]).toEqual([4, "U", { c: { input: "xxxx" } }])
  })
})

describe("Records", () => {
  it("reads bytes unless told otherwise", () => {
    expect(new Records(() => new State("s")).source.kind).toBe("bytes")
    expect(new Records(() => new State("s"), "text").source.kind).toBe("text")
  })
})

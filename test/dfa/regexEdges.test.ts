/**
 * Regex machines at their edges: a high surrogate before a code unit that is no low surrogate, a
 * run that takes nothing (nothing collected), limits when symbols are taken one at a time (traced,
 * pushed back), a machine run twice, repeat counts of 0 and from data, and tables too large for
 * the per-state direct table (over 4,096 states), over text and bytes, against RegExp.
 */
import { describe, expect, it } from "vitest"
import { Either } from "effect"
import { Dfa, integer, run, Source, trace, USINT } from "../../src/dfa/index.js"
import { re, str } from "./machines.js"

const T = { terminal: true } as const
const traced = (m: Parameters<typeof trace>[0], input: string | Uint8Array | Source) => {
  const g = trace(m, input)
  let x = g.next()
  while (!x.done) x = g.next()
  return x.value
}
const taken = (r: ReturnType<typeof run>) => (Either.isRight(r) ? [r.right.consumed, r.right.data] : r.left.message)

describe("regex machines at their edges", () => {
  it("a high surrogate before a code unit above the low surrogates is two symbols", () => {
    expect(taken(run(re(".*", { ...T, context: "c" }), "\ud83d\ue000"))).toEqual([2, { c: { input: "\ud83d\ue000" } }])
    expect(taken(traced(re(".*", { ...T, context: "c" }), "\ud83d\ue000"))).toEqual([2, { c: { input: "\ud83d\ue000" } }])
    // A low surrogate pairs only after a high one: after anything else it is a symbol of its own.
    for (const lone of ["\u03c0\udc00", "\udc00\udc00", "\ue000\udfff", "a\udc00"]) {
      expect(taken(run(re(".*", T), lone))).toEqual([2, { input: lone }])
    }
    // The lowest and highest low surrogates do pair: one symbol each time.
    expect(taken(run(re(".", T), "\ud800\udc00"))).toEqual([1, { input: "\u{10000}" }])
    expect(taken(run(re(".", T), "\udbff\udfff"))).toEqual([1, { input: "\u{10ffff}" }])
  })

  it("traced: each cycle's start and each symbol's state, named by the machine", () => {
    const g = trace(re("ab", { repeat: 2 }), "abab")
    const steps: Array<string> = []
    for (let x = g.next(); !x.done; x = g.next()) steps.push(`${x.value.machine?.name}:${x.value.state?.name}`)
    expect(steps).toEqual(["ab:0", "ab:1", "ab:2", "ab:0", "ab:1", "ab:2"])
  })

  it("a run that takes no symbol collects nothing", () => {
    expect(taken(run(re("a*", { ...T, context: "c" }), "b"))).toEqual([0, {}])
    expect(taken(run(re("a*", { ...T, context: "c", bytes: true }), Uint8Array.of(0x62)))).toEqual([0, {}])
    expect(taken(traced(re("a*", { ...T, context: "c" }), "b"))).toEqual([0, {}])
  })

  it("a limit holds when symbols are taken one at a time: traced, or pushed back", () => {
    expect(taken(traced(re(".*", { ...T, limit: 2, context: "c" }), "abcd"))).toEqual([2, { c: { input: "ab" } }])
    const src = Source.of("xbcd")
    src.next()
    src.push(0x61)
    expect(taken(run(re(".*", { ...T, limit: 2, context: "c" }), src))).toEqual([2, { c: { input: "ab" } }])
    expect(src.remaining()).toBe("cd")
    const none = Source.of("xb")
    none.next()
    none.push(0x61)
    expect(taken(run(re(".*", { ...T, limit: 0, context: "c" }), none))).toEqual([0, {}])
    expect(none.remaining()).toBe("ab")
  })

  it("a limit reaching past the chunk's end, entered mid-chunk, stops at the chunk's end (bytes)", () => {
    const head = USINT("a")
    head.onEpsilon(re(".*", { bytes: true, limit: 4, context: "c", terminal: true }))
    const r = run(new Dfa("m", { initial: head, terminal: true }), Uint8Array.of(7, 1, 2, 3))
    expect(taken(r)).toEqual([4, { a: 7, c: { input: [1, 2, 3] } }])
  })

  it("a machine runs the same way twice, repeat counts included", () => {
    const m = re("[a-z]", { ...T, repeat: 2, context: "c" })
    expect([taken(run(m, "ab!")), taken(run(m, "cd!"))]).toEqual([[2, { c: { input: "ab" } }], [2, { c: { input: "cd" } }]])
    const fromData = re("[a-z]", { ...T, repeat: "n", context: "c" })
    expect(taken(run(fromData, "abcd", { c: { n: 3 } }))).toEqual([3, { c: { n: 3, input: "abc" } }])
    const once = run(re("[a-z]", { ...T, context: "c" }), "abcd")
    expect(taken(once)).toEqual([1, { c: { input: "a" } }])
  })

  it("repeated 0 times takes nothing; integer then stores 0 and string the empty string", () => {
    expect(taken(run(integer({ repeat: 0 }), "12"))).toEqual([0, { integer: 0 }])
    expect(taken(run(integer({ repeat: 0, context: "n" }), Uint8Array.of(0x31)))).toEqual([0, { n: 0 }])
    expect(taken(run(str({ repeat: 0 }), "ab"))).toEqual([0, { string: "" }])
  })

  it("over 4,096 states (no direct table): the class table decides, over text and bytes", () => {
    const m = re("a{4096}", { ...T, context: "c" })
    expect([m.compiled.states, m.compiled.direct.length]).toEqual([4097, 0])
    const input = "a".repeat(4096)
    expect(taken(run(m, input + "!"))).toEqual([4096, { c: { input } }])
    const stop = run(m, "aaab")
    expect(Either.isLeft(stop) && [stop.left.consumed, stop.left.state]).toEqual([3, "3"])
    const b = re("a{4096}", { ...T, bytes: true, context: "c" })
    expect(b.compiled.direct.length).toBe(0)
    const bytes = new TextEncoder().encode(input + "!")
    expect(taken(run(b, bytes))).toEqual([4096, { c: { input: Array.from(bytes.subarray(0, 4096)) } }])
    const bstop = run(b, Uint8Array.of(0x61, 0x61, 0x62))
    expect(Either.isLeft(bstop) && [bstop.left.consumed, bstop.left.state]).toEqual([2, "2"])
  })
})

/**
 * Running machines: what a run reports (consumed counted from where it started, the last state,
 * terminal or not), tracing from a source, the incremental Parser's options and its end, and the
 * DfaRunner service over text and bytes streams.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import {
  Decide, DfaRunner, DfaRunnerLive, Dfa, Parser, Records, run, Source, State, StateInput, trace, UINT
} from "../../src/dfa/index.js"
import { classOf, compile } from "../../src/dfa/table.js"
import { basic, csv, re } from "./machines.js"

describe("run", () => {
  it("counts what this run consumed, not what the source consumed before", () => {
    const src = Source.of("xxab!")
    src.next()
    src.next()
    const r = run(basic(), src)
    expect(Either.isRight(r) && [r.right.consumed, r.right.state, r.right.terminal]).toEqual([2, "B", false])
    const bad = Source.of("xxaz")
    bad.next()
    bad.next()
    const l = run(basic(), bad)
    expect(Either.isLeft(l) && [l.left.consumed, l.left.state, l.left.machine]).toEqual([1, "A", "ab+"])
  })

  it("a plain state as the machine: no state entered inside it, terminal as built", () => {
    const r = run(new State("only", { terminal: true }), "abc")
    expect(Either.isRight(r) && [r.right._tag, r.right.state, r.right.terminal, r.right.consumed, r.right.data]).toEqual(["Accepted", null, true, 0, {}])
    const n = run(new State("only"), "")
    expect(Either.isRight(n) && n.right.terminal).toBe(false)
  })

  it("ends a source not yet ended (a machine that would wait stops instead)", () => {
    const src = new Source("text")
    src.feed("a")
    const r = run(re("a", { terminal: true }), src)
    expect([src.ended, Either.isRight(r) && r.right.consumed]).toEqual([true, 1])
  })

  it("an exception thrown by the caller's own code (a decision) comes out as it is, not as a stop", () => {
    const s = new State("s")
    s.onEpsilon(new Decide("boom", new State("t"), () => {
      throw new RangeError("decision failed")
    }))
    expect(() => run(s, "x")).toThrow(new RangeError("decision failed"))
  })

  it("the data given is the data filled", () => {
    const data = { keep: 1 }
    const r = run(basic(), "ab", data)
    expect(Either.isRight(r) && r.right.data).toBe(data)
    expect(data).toEqual({ keep: 1, basic: { input: "ab" } })
  })
})

describe("trace", () => {
  it("from a source not yet ended: ends it, then traces to the result", () => {
    const src = new Source("text")
    src.feed("ab")
    const g = trace(basic(), src, { x: 1 })
    const steps: Array<string> = []
    let x = g.next()
    for (; !x.done; x = g.next()) steps.push(`${x.value.machine?.name}:${x.value.state?.name ?? "-"}`)
    expect(steps).toEqual(["ab+:E", "ab+:A", "ab+:B"])
    expect(src.ended).toBe(true)
    expect(Either.isRight(x.value) && x.value.right.data).toEqual({ x: 1, basic: { input: "ab" } })
  })

  it("a stop is the generator's result, after the transitions before it", () => {
    const g = trace(basic(), "ax")
    let n = 0
    let x = g.next()
    for (; !x.done; x = g.next()) n++
    expect(n).toBe(2)
    expect(Either.isLeft(x.value) && [x.value.left.state, x.value.left.consumed]).toEqual(["A", 1])
  })
})

describe("Parser", () => {
  it("bytes, with data given; waits with what it consumed; the end completes it", () => {
    const data = { pre: true }
    const p = new Parser(UINT("x"), { kind: "bytes", data })
    expect(p.source.kind).toBe("bytes")
    expect(p.feed(Uint8Array.of(1))).toEqual({ _tag: "NeedsInput", consumed: 1 })
    const r = p.feed(Uint8Array.of(2))
    expect(r._tag === "Right" && r.right.data).toEqual({ pre: true, x: 0x0201 })
    expect(new Parser(UINT("x")).source.kind).toBe("text")
  })

  it("end: a greedy machine still able to go on accepts at the end; a second end gives the same result", () => {
    const p = new Parser(csv())
    expect(p.feed("ab")._tag).toBe("NeedsInput")
    const r = p.end()
    expect(Either.isRight(r) && [r.right.consumed, r.right.terminal, r.right.data]).toEqual([2, false, { csv: { input: "ab" } }])
    expect(p.end()).toBe(r)
    expect(p.resume()).toBe(r)
    const cut = new Parser(re("ab", { terminal: true }))
    cut.feed("a")
    const l = cut.end()
    expect(Either.isLeft(l) && [l.left.consumed, l.left.state]).toEqual([1, "1"])
  })

  it("once finished, feeding returns the same result and buffers nothing more", () => {
    const p = new Parser(re("ab", { terminal: true }))
    const r = p.feed("ab!")
    expect(p.feed("cd")).toBe(r)
    expect(p.source.remaining()).toBe("!")
  })

  it("counts what it consumed from where its run started, on a source given to it", () => {
    const src = new Source("text")
    src.feed("xx")
    src.next()
    src.next()
    const p = new Parser(basic(), { source: src })
    expect(p.feed("ab")).toEqual({ _tag: "NeedsInput", consumed: 2 })
    const r = p.end()
    expect(Either.isRight(r) && r.right.consumed).toBe(2)
  })

  it("resume runs over input fed to its source directly", () => {
    const src = new Source("text")
    const p = new Parser(basic(), { source: src })
    expect(p.source).toBe(src)
    expect(p.resume()).toEqual({ _tag: "NeedsInput", consumed: 0 })
    src.feed("abb")
    expect(p.resume()).toEqual({ _tag: "NeedsInput", consumed: 3 })
    src.feed("!")
    const r = p.resume()
    expect(r._tag === "Right" && r.right.consumed).toBe(3)
  })
})

describe("DfaRunner", () => {
  const word = () => {
    const s = new State("s")
    const w = new StateInput("w", { terminal: true, context: "w" })
    s.onRange("a", "z", w)
    w.onRange("a", "z", w)
    w.on(";", new StateInput("sep", { terminal: true }))
    return new Dfa("word", { initial: s, terminal: true, context: "r" })
  }

  it.effect("text records from a stream of strings, split anywhere", () =>
    Effect.gen(function* () {
      const runner = yield* DfaRunner
      const out = yield* runner.records(word, Stream.make("ab;c", "d;", "e;"), "text").pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(out).map((d) => (d["r"] as { w: { input: string } }).w.input)).toEqual(["ab", "cd", "e"])
    }).pipe(Effect.provide(DfaRunnerLive)))

  it.effect("bytes by default: text chunks fed to a bytes runner are their UTF-8 bytes", () =>
    Effect.gen(function* () {
      const runner = yield* DfaRunner
      const out = yield* runner.records(() => UINT("n"), Stream.make(Uint8Array.of(1, 0, 2), "\u0000")).pipe(Stream.runCollect)
      expect(Chunk.toReadonlyArray(out)).toEqual([{ n: 1 }, { n: 2 }])
      const err = yield* runner.records(() => UINT("n"), Stream.make(Uint8Array.of(1))).pipe(Stream.runCollect, Effect.flip)
      expect(err).toMatchObject({ _tag: "NonTerminal", machine: "n", consumed: 1 })
    }).pipe(Effect.provide(DfaRunnerLive)))

  it.effect("the stream's own failure passes through", () =>
    Effect.gen(function* () {
      const runner = yield* DfaRunner
      const err = yield* runner.records(() => UINT("n"), Stream.fail("socket closed" as const)).pipe(Stream.runCollect, Effect.flip)
      expect(err).toBe("socket closed")
    }).pipe(Effect.provide(DfaRunnerLive)))

  it("Records over text, and the machine made once for all records", () => {
    let made = 0
    const rs = new Records(() => { made++; return word() }, "text")
    const r = rs.feed("a;b;c")
    expect(Either.isRight(r) && r.right.length).toBe(2)
    const end = rs.end()
    expect(Either.isRight(end) && end.right.map((d) => (d["r"] as { w: { input: string } }).w.input)).toEqual(["c"])
    expect(made).toBe(1)
  })
})

describe("compiled tables", () => {
  it("lay out states, finals, transitions and classes as documented", () => {
    const t = Either.getOrThrow(compile("ab*"))
    expect([t.states, t.initial, Array.from(t.finals), Array.from(t.hasOut)]).toEqual([2, 0, [0, 1], [1, 1]])
    expect(Array.from(t.starts)).toEqual([0, 0x61, 0x62, 0x63])
    expect(t.classes).toBe(4)
    expect(Array.from(t.table)).toEqual([-1, 1, -1, -1, -1, -1, 1, -1])
    expect([t.low[0x60], t.low[0x61], t.low[0x62], t.low[0x63], t.low[0xff]]).toEqual([0, 1, 2, 3, 3])
    expect([t.direct.length, t.direct[0x61], t.direct[0x62], t.direct[256 + 0x62], t.direct[256 + 0x61], t.direct[256]]).toEqual([512, 1, -1, 1, -1, -1])
    expect([t.bmp.length, t.bmp[0x61], t.bmp[0x62], t.bmp[0x63], t.bmp[0xffff]]).toEqual([0x10000, 1, 2, 3, 3])
    const b = Either.getOrThrow(compile("é", true))
    expect([b.states, b.bmp.length, b.direct.length, Array.from(b.finals)]).toEqual([3, 0, 768, [0, 0, 1]])
    expect([b.direct[0xc3], b.direct[256 + 0xa9]]).toEqual([1, 2])
    // A transition back to the initial state goes to state 0, not to a copy of it.
    const loop = Either.getOrThrow(compile("(ab)*"))
    expect([loop.states, Array.from(loop.finals), Array.from(loop.starts)]).toEqual([2, [1, 0], [0, 0x61, 0x62, 0x63]])
    expect(Array.from(loop.table)).toEqual([-1, 1, -1, -1, -1, -1, 0, -1])
  })

  it("a pattern whose ranges reach the last code point: no class beyond it", () => {
    const t = Either.getOrThrow(compile("[\\u{10000}-\\u{10FFFF}]"))
    expect(Array.from(t.starts)).toEqual([0, 0x10000])
    const u = Either.getOrThrow(compile("[\\u{10000}-\\u{10FFFE}]"))
    expect(Array.from(u.starts)).toEqual([0, 0x10000, 0x10ffff])
    expect([0xffff, 0x10000, 0x10fffe, 0x10ffff].map((cp) => u.table[classOf(u, cp)]!)).toEqual([-1, 1, 1, -1])
    const b = Either.getOrThrow(compile("[\\x00-\\xff]", true))
    expect(b.states).toBeGreaterThan(1)
    // Byte 0xff (never in UTF-8) has a class of its own, not class 0 (the one-byte characters).
    expect([b.direct[0x00] !== -1, b.low[0xff] !== 0, b.direct[0xff], b.table[b.low[0xff]!]]).toEqual([true, true, -1, -1])
  })

  it("the direct table is built up to 4,096 states, the bound itself included", () => {
    const t = Either.getOrThrow(compile("a{4095}"))
    expect([t.states, t.direct.length, t.direct[(4094 << 8) | 0x61], t.direct[(4095 << 8) | 0x61]]).toEqual([4096, 4096 * 256, 4095, -1])
  })

  it("a malformed pattern's error carries the message and position; a cap error has none", () => {
    const e = compile("a{2,1}")
    expect(Either.isLeft(e) && [e.left.position, e.left.pattern, e.left.message.includes("out of order")]).toEqual([6, "a{2,1}", true])
    const a = compile("a\\b")
    expect(Either.isLeft(a) && [a.left.position, a.left.message]).toEqual([-1, "Assertions are not supported."])
    const r = compile("(a*)\\1")
    expect(Either.isLeft(r) && [r.left.position, r.left.message]).toEqual([-1, "Backreferences are not supported."])
  })
})

/**
 * The example EtherNet/IP header parser (examples/dfa/enipHeader.ts) over every full frame in the
 * cpppo wire vectors (test/fixtures/cpppo-wire.json), compared with the decoded header fields recorded from cpppo.
 */
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Either, Stream } from "effect"
import { loadWireVectors } from "../fixtures/fixtures.js"
import { DfaRunner, DfaRunnerLive, getPath, Parser, run } from "../../src/dfa/index.js"
import { enipFrame } from "../../examples/dfa/enipHeader.js"

const vectors = loadWireVectors()

const fromHex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16))
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")

/** Every full frame: [name, bytes, fields]. */
const frames = vectors
  .filter((v) => v.layer === "enip_frame" || v.layer === "enip_exchange")
  .flatMap((v) =>
    (
      [
        ["hex", "fields"],
        ["request_hex", "request_fields"],
        ["reply_hex", "reply_fields"]
      ] as const
    )
      .filter(([h]) => typeof v[h] === "string" && (v[h] as string).length > 0)
      .map(([h, f]) => ({
        name: `${v.id} ${h}`,
        bytes: fromHex(v[h] as string),
        fields: (v[f] ?? {}) as Record<string, unknown>
      }))
  )

const HEADER = ["command", "length", "session_handle", "status", "options"] as const

describe("EtherNet/IP header parser built with the DFA library", () => {
  it("the wire vectors have full frames", () => {
    expect(frames.length).toBeGreaterThan(100)
  })

  for (const f of frames) {
    it(f.name, () => {
      const r = run(enipFrame(), f.bytes)
      expect(Either.isRight(r)).toBe(true)
      if (Either.isLeft(r)) return
      expect(r.right.consumed).toBe(f.bytes.length)
      expect(r.right.terminal).toBe(true)
      const enip = r.right.data["enip"] as Record<string, unknown>
      expect(enip["length"]).toBe(f.bytes.length - 24)
      for (const k of HEADER) {
        if (`enip.${k}` in f.fields) expect(enip[k], k).toBe(f.fields[`enip.${k}`])
      }
      const ctx = f.fields["enip.sender_context.input"] as { hex?: string } | undefined
      if (ctx?.hex !== undefined) expect(toHex(enip["sender_context"] as Uint8Array)).toBe(ctx.hex)
      expect(toHex(enip["input"] as Uint8Array)).toBe(toHex(f.bytes.subarray(24)))
    })
  }

  it("gives the same data when every frame is fed in 3-byte chunks", () => {
    for (const f of frames) {
      const p = new Parser(enipFrame(), { kind: "bytes" })
      let r = p.feed(f.bytes.subarray(0, 3))
      for (let i = 3; i < f.bytes.length && r._tag === "NeedsInput"; i += 3) r = p.feed(f.bytes.subarray(i, i + 3))
      expect(r._tag, f.name).toBe("Right")
      if (r._tag === "Right") expect(r.right.data).toEqual(Either.getOrThrow(run(enipFrame(), f.bytes)).data)
    }
  })

  it("a truncated frame is a NonTerminal failure reporting what was consumed", () => {
    const f = frames.find((x) => x.bytes.length > 30)!
    const r = run(enipFrame(), f.bytes.subarray(0, 27))
    expect(Either.isLeft(r)).toBe(true)
    if (Either.isLeft(r)) {
      expect(r.left._tag).toBe("NonTerminal")
      expect(r.left.consumed).toBe(27)
      expect(getPath(r.left.data, "enip.input")).toBeUndefined()
      expect(getPath(r.left.data, "enip.command")).toBe(f.bytes[0]! | (f.bytes[1]! << 8))
    }
  })

  it.effect("DfaRunner cuts a TCP-like stream of back-to-back frames into records", () =>
    Effect.gen(function* () {
      const runner = yield* DfaRunner
      const all = frames.slice(0, 40)
      const joined = new Uint8Array(all.reduce((n, f) => n + f.bytes.length, 0))
      let o = 0
      for (const f of all) {
        joined.set(f.bytes, o)
        o += f.bytes.length
      }
      // Odd-sized chunks so frames straddle chunk boundaries.
      const chunks: Array<Uint8Array> = []
      for (let i = 0; i < joined.length; i += 37) chunks.push(joined.subarray(i, i + 37))
      const records = yield* runner.records(() => enipFrame(), Stream.fromIterable(chunks)).pipe(Stream.runCollect)
      const got = Chunk.toReadonlyArray(records).map((d) => getPath(d, "enip.command"))
      expect(got).toEqual(all.map((f) => f.bytes[0]! | (f.bytes[1]! << 8)))
    }).pipe(Effect.provide(DfaRunnerLive))
  )

  it.effect("DfaRunner: empty input gives no records; a partial frame at the end fails with NonTerminal", () =>
    Effect.gen(function* () {
      const runner = yield* DfaRunner
      const none = yield* runner.records(() => enipFrame(), Stream.empty).pipe(Stream.runCollect)
      expect(Chunk.size(none)).toBe(0)
      const partial = frames[0]!.bytes.subarray(0, 10)
      const err = yield* runner.records(() => enipFrame(), Stream.make(partial)).pipe(Stream.runCollect, Effect.flip)
      expect(err._tag).toBe("NonTerminal")
    }).pipe(Effect.provide(DfaRunnerLive))
  )
})

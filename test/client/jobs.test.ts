/**
 * The client's jobs (src/client/jobs.ts) one reply at a time: which request comes first, what each
 * reply (success, partial, refusal, a reply to another service) turns into, how large writes are
 * cut and how a bit is read and written by Read-Modify-Write. No transport: replies are made here.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { makeJob, type Job, type Step } from "../../src/client/jobs.js"
import { parseOperation } from "../../src/client/operations.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { CipType, typeSpecOf, type TypeName } from "../../src/cip/types.js"

const op = (text: string) => Either.getOrThrow(parseOperation(text))
const job = (text: string, fragment = false, maxRequest = 500): Job => makeJob(op(text), { fragment, maxRequest })
const bytes = (...b: Array<number>) => Uint8Array.from(b)

const readReply = (type: TypeName | { code: number; handle?: number }, data: Uint8Array, status = 0, tag: "ReadTag" | "ReadTagFragmented" = "ReadTag"): CipReply =>
  ({ _tag: tag, service: 0xcc, status, extStatus: [], type: typeof type === "string" ? typeSpecOf(type) : type, data }) as CipReply
const errorReply = (status: number, extStatus: Array<number> = []): CipReply =>
  ({ _tag: "Error", service: 0xcc, status, extStatus, data: new Uint8Array(0) })
const ok = (tag: "WriteTag" | "WriteTagFragmented" | "ReadModifyWriteTag" | "SetAttributeSingle"): CipReply =>
  ({ _tag: tag, service: 0xcd, status: 0, extStatus: [] }) as CipReply
const outcome = (s: Step) => { expect(s._tag).toBe("Done"); return (s as Extract<Step, { _tag: "Done" }>).outcome }
const next = (s: Step): CipRequest => { expect(s._tag).toBe("Next"); return (s as Extract<Step, { _tag: "Next" }>).request }

describe("read jobs", () => {
  it("Read Tag for the elements asked; a reply decodes by its type; the reply size counts 4 bytes an element", () => {
    const j = job("T[2-4]")
    expect(j.first).toMatchObject({ _tag: "ReadTag", elements: 3 })
    expect(j.replySize).toBe(8 + 3 * 4)
    expect(job("T").replySize).toBe(12)
    expect(outcome(j.onReply(readReply("INT", bytes(1, 0, 2, 0, 0xff, 0xff))))).toEqual({ ok: true, status: 0, extStatus: [], type: "INT", values: [1, 2, -1] })
  })

  it("0x06 continues with Read Tag Fragmented at the next byte offset; the parts are joined", () => {
    const j = job("T[0-3]")
    const r1 = next(j.onReply(readReply("DINT", bytes(1, 0, 0, 0, 2, 0, 0, 0), 0x06)))
    expect(r1).toMatchObject({ _tag: "ReadTagFragmented", elements: 4, offset: 8 })
    const r2 = next(j.onReply(readReply("DINT", bytes(3, 0, 0, 0), 0x06, "ReadTagFragmented")))
    expect(r2).toMatchObject({ _tag: "ReadTagFragmented", offset: 12 })
    expect(outcome(j.onReply(readReply("DINT", bytes(4, 0, 0, 0), 0, "ReadTagFragmented"))).values).toEqual([1, 2, 3, 4])
  })

  it("an offset (+N) or -f reads fragmented from that byte, continuing after it", () => {
    const j = job("T[0-9]+8")
    expect(j.first).toMatchObject({ _tag: "ReadTagFragmented", elements: 10, offset: 8 })
    expect(next(j.onReply(readReply("INT", bytes(1, 0, 2, 0), 0x06, "ReadTagFragmented")))).toMatchObject({ offset: 12 })
    expect(job("T[0-1]", true).first).toMatchObject({ _tag: "ReadTagFragmented", elements: 2, offset: 0 })
  })

  it("an empty partial reply ends the read as failed instead of asking again forever", () => {
    expect(outcome(job("T").onReply(readReply("INT", new Uint8Array(0), 0x06)))).toEqual({ ok: false, status: 0x06, extStatus: [] })
  })

  it("a refusal keeps its status; a success answering another service is an invalid reply (0x22)", () => {
    expect(outcome(job("T").onReply(errorReply(0x05, [0x1234])))).toEqual({ ok: false, status: 0x05, extStatus: [0x1234] })
    expect(outcome(job("T").onReply(ok("WriteTag")))).toEqual({ ok: false, status: 0x22, extStatus: [] })
    expect(outcome(job("T").onReply(readReply("INT", bytes(1, 0), 0x04)))).toMatchObject({ ok: false, status: 0x04 })
  })

  it("a structure comes back raw with its handle; another unknown type raw without one; bad data is 0x22", () => {
    const raw = bytes(1, 2, 3, 4)
    expect(outcome(job("M").onReply(readReply({ code: CipType.STRUCT, handle: 0x1234 }, raw)))).toEqual({ ok: true, status: 0, extStatus: [], raw, handle: 0x1234 })
    expect(outcome(job("M").onReply(readReply({ code: 0x99 }, raw)))).toEqual({ ok: true, status: 0, extStatus: [], raw })
    // Part of an element is a malformed reply (0x22), never a shorter list of values.
    expect(outcome(job("T").onReply(readReply("DINT", bytes(1, 2, 3))))).toEqual({ ok: false, status: 0x22, extStatus: [] })
    expect(outcome(job("T[0-1]").onReply(readReply("DINT", bytes(1, 0, 0, 0, 2, 0))))).toEqual({ ok: false, status: 0x22, extStatus: [] })
    expect(outcome(job("S").onReply(readReply("STRING", bytes(5, 0, 0, 0, 0x61))))).toEqual({ ok: false, status: 0x22, extStatus: [] })
  })

  it("attributes: @c/i/a is Get Attribute Single, @c/i Get Attributes All; raw bytes back", () => {
    const single = job("@1/1/7")
    expect(single.first._tag).toBe("GetAttributeSingle")
    expect(single.replySize).toBe(64)
    const all = job("@1/1")
    expect(all.first._tag).toBe("GetAttributesAll")
    const data = bytes(9, 8)
    for (const tag of ["GetAttributeSingle", "GetAttributesAll", "Generic"] as const) {
      expect(outcome(single.onReply({ _tag: tag, service: 0x8e, status: 0, extStatus: [], data }))).toEqual({ ok: true, status: 0, extStatus: [], raw: data })
    }
    expect(outcome(all.onReply(errorReply(0x08)))).toEqual({ ok: false, status: 0x08, extStatus: [] })
    expect(outcome(all.onReply(ok("WriteTag")))).toEqual({ ok: false, status: 0x22, extStatus: [] })
  })
})

describe("write jobs", () => {
  it("a write that fits is one Write Tag of its type and count; success echoes the values", () => {
    const j = job("T[1-2]=(DINT)7,-8")
    expect(j.first).toMatchObject({ _tag: "WriteTag", type: { code: CipType.DINT }, elements: 2, data: bytes(7, 0, 0, 0, 0xf8, 0xff, 0xff, 0xff) })
    expect(j.replySize).toBe(4)
    expect(outcome(j.onReply(ok("WriteTag")))).toEqual({ ok: true, status: 0, extStatus: [], type: "DINT", values: [7, -8] })
    expect(outcome(j.onReply(errorReply(0x05)))).toEqual({ ok: false, status: 0x05, extStatus: [] })
    expect(outcome(j.onReply(ok("SetAttributeSingle")))).toEqual({ ok: false, status: 0x22, extStatus: [] })
    expect(job("T=5").first).toMatchObject({ type: { code: CipType.INT }, elements: 1, data: bytes(5, 0) })
  })

  it("too large for one request: Write Tag Fragmented chunks of whole elements, each at its offset", () => {
    const values = Array.from({ length: 100 }, (_, i) => i)
    const j = job(`T[0-99]=(DINT)${values.join(",")}`, false, 200)
    const first = j.first as Extract<CipRequest, { _tag: "WriteTagFragmented" }>
    expect(first._tag).toBe("WriteTagFragmented")
    expect(first.elements).toBe(100)
    // 200 bytes less the header (service, path, type, elements, offset), in whole DINTs.
    const header = 2 + 4 + 2 + 2 + 4 // service+size, path "T" (0x91 01 'T' pad), type, elements, offset
    const chunk = Math.floor((200 - header) / 4) * 4
    expect(first.data.length).toBe(chunk)
    const offsets = [first.offset]
    let s = j.onReply(ok("WriteTagFragmented"))
    while (s._tag === "Next") {
      const r = s.request as Extract<CipRequest, { _tag: "WriteTagFragmented" }>
      offsets.push(r.offset)
      expect(r.data.length).toBe(Math.min(chunk, 400 - r.offset))
      s = j.onReply(ok("WriteTagFragmented"))
    }
    expect(offsets).toEqual(Array.from({ length: Math.ceil(400 / chunk) }, (_, i) => i * chunk))
    expect(outcome(s)).toMatchObject({ ok: true, values })
  })

  it("a fragment refused stops the write with its status; -f and +N write fragmented even when small", () => {
    const j = job(`T[0-99]=(DINT)${Array(100).fill(1).join(",")}`, false, 100)
    expect(outcome(j.onReply(errorReply(0x03)))).toMatchObject({ ok: false, status: 0x03 })
    expect(job("T[0-1]=(INT)1,2", true).first).toMatchObject({ _tag: "WriteTagFragmented", offset: 0, data: bytes(1, 0, 2, 0) })
    expect(job("T[0-3]+4=(INT)1,2").first).toMatchObject({ _tag: "WriteTagFragmented", offset: 4, elements: 4, data: bytes(1, 0, 2, 0) })
  })

  it("a room smaller than one element still sends one element per chunk", () => {
    const j = job("T[0-2]=(LINT)1,2,3", false, 20)
    expect((j.first as Extract<CipRequest, { _tag: "WriteTagFragmented" }>).data.length).toBe(8)
    expect(next(j.onReply(ok("WriteTagFragmented")))).toMatchObject({ offset: 8 })
    expect(next(j.onReply(ok("WriteTagFragmented")))).toMatchObject({ offset: 16 })
    expect(outcome(j.onReply(ok("WriteTagFragmented"))).ok).toBe(true)
  })

  it("SSTRING is never split (its elements differ in size)", () => {
    expect(job(`S=(SSTRING)${"x".repeat(80)}`, false, 40).first._tag).toBe("WriteTag")
  })

  it("an attribute write is Set Attribute Single of the encoded value", () => {
    const j = job("@0x93/3/10=(REAL)1.5")
    expect(j.first).toMatchObject({ _tag: "SetAttributeSingle", data: bytes(0, 0, 0xc0, 0x3f) })
    expect(outcome(j.onReply(ok("SetAttributeSingle")))).toEqual({ ok: true, status: 0, extStatus: [], type: "REAL", values: [1.5] })
    expect(outcome(j.onReply(errorReply(0x0e)))).toEqual({ ok: false, status: 0x0e, extStatus: [] })
    expect(job("@1/1/1=3").first).toMatchObject({ data: bytes(3, 0) })
  })

  it("the first request of an operation is built once (its encoding can be cached)", () => {
    const o = op("T[0-1]=(INT)1,2")
    expect(makeJob(o, { fragment: false, maxRequest: 500 }).first).toBe(makeJob(o, { fragment: false, maxRequest: 500 }).first)
    const r = op("T[0-1]")
    const plain = makeJob(r, { fragment: false, maxRequest: 500 }).first
    const frag = makeJob(r, { fragment: true, maxRequest: 500 }).first
    expect(plain._tag).toBe("ReadTag")
    expect(frag._tag).toBe("ReadTagFragmented")
    expect(makeJob(r, { fragment: true, maxRequest: 500 }).first).toBe(frag)
  })
})

describe("bits", () => {
  it("reads the element and takes the bit, for each integer type", () => {
    expect(job("D.5").first).toMatchObject({ _tag: "ReadTag", elements: 1 })
    expect(job("D.5").replySize).toBe(16)
    expect(outcome(job("D.5").onReply(readReply("DINT", bytes(0x20, 0, 0, 0))))).toEqual({ ok: true, status: 0, extStatus: [], type: "BOOL", values: [true] })
    expect(outcome(job("D.4").onReply(readReply("DINT", bytes(0x20, 0, 0, 0)))).values).toEqual([false])
    expect(outcome(job("D.31").onReply(readReply("DINT", bytes(0, 0, 0, 0x80)))).values).toEqual([true])
    expect(outcome(job("D.63").onReply(readReply("LINT", bytes(0, 0, 0, 0, 0, 0, 0, 0x80)))).values).toEqual([true])
    expect(outcome(job("D.9").onReply(readReply("UINT", bytes(0, 2)))).values).toEqual([true])
    expect(outcome(job("D.7").onReply(readReply("USINT", bytes(0x80)))).values).toEqual([true])
    expect(outcome(job("D.1").onReply(readReply("DWORD", bytes(2, 0, 0, 0)))).values).toEqual([true])
  })

  it("a bit past the element's width, or of a non-integer, is refused as a controller does (0xFF/0x2107)", () => {
    const refused = { ok: false, status: 0xff, extStatus: [0x2107] }
    expect(outcome(job("D.32").onReply(readReply("DINT", bytes(0, 0, 0, 0))))).toEqual(refused)
    expect(outcome(job("D.8").onReply(readReply("SINT", bytes(0))))).toEqual(refused)
    expect(outcome(job("D.1").onReply(readReply("REAL", bytes(0, 0, 0, 0))))).toEqual(refused)
    expect(outcome(job("D.1").onReply(readReply("DINT", bytes(0, 0))))).toEqual(refused) // short data
    expect(outcome(job("D.1").onReply(readReply("DINT", bytes(0, 0, 0, 0), 0, "ReadTagFragmented")))).toEqual({ ok: false, status: 0x22, extStatus: [] })
    expect(outcome(job("D.1").onReply(errorReply(0x04)))).toEqual({ ok: false, status: 0x04, extStatus: [] })
  })

  it("a write sets or clears the one bit by Read-Modify-Write masks as wide as the element", () => {
    const set = job("D.10=1")
    const rmw = next(set.onReply(readReply("DINT", bytes(0, 0, 0, 0))))
    expect(rmw).toMatchObject({ _tag: "ReadModifyWriteTag", orMask: bytes(0, 4, 0, 0), andMask: bytes(0xff, 0xff, 0xff, 0xff) })
    expect(outcome(set.onReply(ok("ReadModifyWriteTag")))).toEqual({ ok: true, status: 0, extStatus: [], type: "BOOL", values: [true] })

    const clear = job("D.3=0")
    expect(next(clear.onReply(readReply("INT", bytes(0xff, 0xff))))).toMatchObject({ orMask: bytes(0, 0), andMask: bytes(0xf7, 0xff) })
    expect(outcome(clear.onReply(ok("WriteTag")))).toEqual({ ok: false, status: 0x22, extStatus: [] })

    const refused = job("D.0=1")
    next(refused.onReply(readReply("SINT", bytes(0))))
    expect(outcome(refused.onReply(errorReply(0x0f)))).toEqual({ ok: false, status: 0x0f, extStatus: [] })
  })
})

describe("edges of the choices", () => {
  it("a STRING reply decodes by its 88-byte elements", () => {
    const data = bytes(2, 0, 0, 0, 0x68, 0x69, ...Array(82).fill(0))
    expect(outcome(job("S").onReply(readReply("STRING", data))).values).toEqual(["hi"])
  })

  it("an SSTRING reply (no fixed element size) decodes as many strings as its bytes hold", () => {
    expect(outcome(job("S[0-1]").onReply(readReply("SSTRING", bytes(2, 0x68, 0x69, 1, 0x78)))).values).toEqual(["hi", "x"])
  })

  it("the split decision counts service, path, type, count and data: at the limit one Write Tag, one byte less fragments", () => {
    // "T[0-1]": path 0x91 01 'T' 00 28 00 (6) + service and size (2) + DINT (2) + count (2) + 8 bytes = 20.
    expect(job("T[0-1]=(DINT)1,2", false, 20).first._tag).toBe("WriteTag")
    expect(job("T[0-1]=(DINT)1,2", false, 19).first._tag).toBe("WriteTagFragmented")
  })

  it("bits of SINT, INT, UDINT and ULINT hosts; a bit written as true or as 1 sets it, false or 0 clears it", () => {
    expect(outcome(job("D.6").onReply(readReply("SINT", bytes(0x40)))).values).toEqual([true])
    expect(outcome(job("D.15").onReply(readReply("INT", bytes(0, 0x80)))).values).toEqual([true])
    expect(outcome(job("D.31").onReply(readReply("UDINT", bytes(0, 0, 0, 0x80)))).values).toEqual([true])
    expect(outcome(job("D.40").onReply(readReply("ULINT", bytes(0, 0, 0, 0, 0, 1, 0, 0)))).values).toEqual([true])
    const base = op("D.2=1")
    for (const [value, set] of [[true, true], [1, true], [false, false], [0, false]] as const) {
      const j = makeJob({ ...base, values: [value] }, { fragment: false, maxRequest: 500 })
      const rmw = next(j.onReply(readReply("SINT", bytes(0x00)))) as Extract<CipRequest, { _tag: "ReadModifyWriteTag" }>
      expect([Array.from(rmw.orMask), Array.from(rmw.andMask)]).toEqual(set ? [[4], [0xff]] : [[0], [0xfb]])
    }
  })

  it("an operation built without a type writes INT; without values, nothing", () => {
    const target = op("T").target
    const plain = makeJob({ method: "write", target, values: [5] }, { fragment: false, maxRequest: 500 })
    expect(plain.first).toMatchObject({ _tag: "WriteTag", type: { code: CipType.INT }, data: bytes(5, 0) })
    expect(outcome(plain.onReply(ok("WriteTag")))).toEqual({ ok: true, status: 0, extStatus: [], type: "INT", values: [5] })
    const empty = makeJob({ method: "write", target }, { fragment: false, maxRequest: 500 })
    expect(empty.first).toMatchObject({ _tag: "WriteTag", elements: 0, data: new Uint8Array(0) })
    const attr = op("@1/1/7").target
    const a = makeJob({ method: "write", target: attr, values: [7] }, { fragment: false, maxRequest: 500 })
    expect(a.first).toMatchObject({ _tag: "SetAttributeSingle", data: bytes(7, 0) })
    expect(outcome(a.onReply(ok("SetAttributeSingle")))).toStrictEqual({ ok: true, status: 0, extStatus: [], values: [7] })
    const none = makeJob({ method: "write", target: attr }, { fragment: false, maxRequest: 500 })
    expect(none.first).toMatchObject({ data: new Uint8Array(0) })
    expect(outcome(none.onReply(ok("SetAttributeSingle"))).values).toEqual([])
  })
})

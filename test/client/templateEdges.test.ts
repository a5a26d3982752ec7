/**
 * The edges of structure-type learning (src/client/templates.ts): the definition size asked for,
 * controllers that answer 0x06 to the last piece too or never finish, a template that nests
 * itself, attributes without data, a 4-byte attribute's high byte, Read Template replies with an
 * error status, which symbols a browse reads templates for, results that never need a browse,
 * and the handle's padding in the `--list-tags` line.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { listTags } from "../../src/client/attributes.js"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import type { Session } from "../../src/client/session.js"
import { formatStructure, makeStructureTypes } from "../../src/client/templates.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { tampered } from "./tamperedSession.js"

const UDTS = ["Motor{Speed:REAL,Running:BOOL}"]
const TAGS = ["M=Motor", "Program:Main.P=Motor", "DINT1=DINT"]

const instanceOf = (req: CipRequest) => { const at = req.path[1]; return at?._tag === "Instance" ? at.id : undefined }
/** The same attribute reply with attribute `i`'s data replaced. */
const withAttribute = (r: CipReply, i: number, data: Uint8Array | undefined): CipReply =>
  r._tag === "GetAttributeList" ? { ...r, attributes: r.attributes.map((a, k) => (k === i ? { id: a.id, status: 0, ...(data === undefined ? {} : { data }) } : a)) } : r

/** A session with no controller behind it: attributes `words`, `size`, `members`, `handle`; Read Template from `reply`. */
const fake = (attrs: { words: number; size: number; members: number; handle: number }, reply: (offset: number, bytes: number) => CipReply) => {
  const sent: Array<CipRequest> = []
  const u32 = (n: number) => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24)
  const u16 = (n: number) => Uint8Array.of(n & 0xff, n >> 8)
  const session = {
    request: (req: CipRequest) => {
      sent.push(req)
      if (req._tag === "GetAttributeList") {
        return Effect.succeed<CipReply>({
          _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: [],
          attributes: [[4, u32(attrs.words)], [5, u32(attrs.size)], [2, u16(attrs.members)], [1, u16(attrs.handle)]].map(([id, data]) => ({ id: id as number, status: 0, data: data as Uint8Array }))
        })
      }
      if (req._tag === "ReadTemplate") return Effect.succeed(reply(req.offset, req.bytes))
      return Effect.succeed<CipReply>({ _tag: "Error", service: 0x80, status: 0x08, extStatus: [], data: new Uint8Array(0) })
    }
  } as unknown as Session
  return { session, sent }
}
const readTemplate = (status: number, data: Uint8Array): CipReply => ({ _tag: "ReadTemplate", service: 0xcc, status, extStatus: [], data })

/** A one-member template definition: `Speed` a REAL at offset 0, named `Fast`. */
const ONE_REAL = Uint8Array.from([0, 0, 0xca, 0, 0, 0, 0, 0, ...Buffer.from("Fast;n\0Speed\0")])

describe("structure types: socket-free edges", () => {
  it.effect("a controller answering 0x06 forever is asked at most 1000 times; the bytes it gave are then parsed", () =>
    Effect.gen(function* () {
      const f = fake({ words: 2000, size: 4, members: 1, handle: 0x1234 }, () => readTemplate(0x06, Uint8Array.of(0x41))) // no NUL: the names never end
      const e = yield* Effect.flip(makeStructureTypes(f.session).template(0x100))
      expect(f.sent.filter((r) => r._tag === "ReadTemplate")).toHaveLength(1000)
      expect(e.reason).toBe("Protocol")
      expect(e.message).toMatch(/^template 256: /)
      expect(e.message).not.toMatch(/attributes|Read Template/)
    }))

  it.effect("a definition answered in 0x06 pieces to the last byte is asked for until the whole is in, not once more", () =>
    Effect.gen(function* () {
      const words = Math.ceil((ONE_REAL.length + 20) / 4)
      const want = words * 4 - 20
      const whole = new Uint8Array(want)
      whole.set(ONE_REAL)
      const f = fake({ words, size: 4, members: 1, handle: 0x5e }, (offset, bytes) => readTemplate(0x06, whole.subarray(offset, offset + Math.min(bytes, 5))))
      const layout = yield* makeStructureTypes(f.session).template(0x100)
      const asked = f.sent.flatMap((r) => (r._tag === "ReadTemplate" ? [[r.offset, r.bytes]] : []))
      expect(asked).toEqual(Array.from({ length: Math.ceil(want / 5) }, (_, i) => [i * 5, want - i * 5]))
      expect(layout.members.map((m) => [m.name, m.offset])).toEqual([["Speed", 0]])
      // The handle is printed with four hex digits.
      expect(formatStructure(layout)).toBe("Fast{Speed:REAL}  (template 0x100, handle 0x005e, 4 bytes)")
    }))

  it.effect("a 4-byte attribute's high byte counts: a size of 0x01000004 bytes", () =>
    Effect.gen(function* () {
      const words = Math.ceil((ONE_REAL.length + 20) / 4)
      const whole = new Uint8Array(words * 4 - 20)
      whole.set(ONE_REAL)
      const f = fake({ words, size: 0x01000004, members: 1, handle: 0x5e }, (offset) => readTemplate(0, whole.subarray(offset)))
      expect((yield* makeStructureTypes(f.session).template(0x100)).size).toBe(0x01000004)
    }))
})

layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: TAGS, udts: UDTS }), { excludeTestServices: true })("structure types against a controller", (it) => {
  const connect = Effect.flatMap(EnipServer, ({ address }) => Client.connect({ host: "127.0.0.1", port: address.port }))
  const motorId = (session: Session) => Effect.map(listTags(session), (tags) => tags.find((t) => t.name === "M")!.symbolType & 0x0fff)

  it.scoped("the definition asked for is the template's words × 4 − 20 bytes", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const id = yield* motorId(c.session)
      let words = -1
      const t = tampered(c.session, (req, r) => {
        if (req._tag === "GetAttributeList" && r._tag === "GetAttributeList") words = Buffer.from(r.attributes[0]!.data!).readUInt32LE(0)
        return r
      })
      yield* makeStructureTypes(t.session).template(id)
      expect(t.sent.filter((r) => r._tag === "ReadTemplate").map((r) => r._tag === "ReadTemplate" && [r.offset, r.bytes])).toEqual([[0, words * 4 - 20]])
    }))

  it.scoped("a template that nests itself stops at 16 levels with a Protocol error", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const id = yield* motorId(c.session)
      // The first member's type (bytes 2-3 of the definition) made a structure of this template.
      const t = tampered(c.session, (req, r) => {
        if (req._tag !== "ReadTemplate" || r._tag !== "ReadTemplate") return r
        const data = Uint8Array.from(r.data)
        data[2] = id & 0xff
        data[3] = 0x80 | (id >> 8)
        return { ...r, data }
      })
      const e = yield* Effect.flip(makeStructureTypes(t.session).template(id))
      expect([e.reason, e.message]).toEqual(["Protocol", `template ${id}: structures nested more than 16 deep`])
      expect(t.count("GetAttributeList")).toBe(17) // depths 0 … 16
    }))

  it.scoped("an attribute without data is malformed; a Read Template reply with an error status is refused", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const id = yield* motorId(c.session)
      const fail = (tamper: (req: CipRequest, reply: CipReply) => CipReply) =>
        Effect.map(Effect.flip(makeStructureTypes(tampered(c.session, tamper).session).template(id)), (e) => [e.reason, e.message])
      for (const at of [0, 3]) {
        expect(yield* fail((req, r) => (req._tag === "GetAttributeList" ? withAttribute(r, at, undefined) : r)))
          .toEqual(["Protocol", `template ${id}: malformed attributes`])
      }
      const refused = yield* fail((req, r) => (req._tag === "ReadTemplate" && r._tag === "ReadTemplate" ? { ...r, status: 0x05 } : r))
      expect(refused[0]).toBe("Protocol")
      expect(refused[1]).toMatch(new RegExp(`^template ${id}: Read Template: `))
    }))

  it.scoped("a browse reads the templates of structure symbols only (not a DINT's, not a program's); a result needing none sends nothing", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const id = yield* motorId(c.session)
      const t = tampered(c.session)
      const types = makeStructureTypes(t.session)
      expect(yield* types.byHandle(0x7777)).toBeUndefined()
      expect(t.sent.filter((r) => r._tag === "GetAttributeList").map(instanceOf)).toEqual([id])

      const dint = (yield* c.processAll(Either.getOrThrow(parseOperations(["DINT1"])))).transactions[0]!
      const motor = (yield* c.processAll(Either.getOrThrow(parseOperations(["M"])))).transactions[0]!
      expect(motor.handle).toBeDefined()
      const fresh = tampered(c.session)
      const none = makeStructureTypes(fresh.session)
      expect(yield* none.decode(dint)).toBe(dint)
      const { raw: _raw, ...noBytes } = motor
      expect(yield* none.decode(noBytes)).toBe(noBytes)
      expect(fresh.sent).toEqual([])
    }))
})

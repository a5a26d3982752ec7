/**
 * How the client learns structure types (src/client/templates.ts) from a simulator on 127.0.0.1
 * port 0: the Template attributes and definition read once per template (in as many Read Template
 * replies as it takes), nested templates first, structure handles found by browsing the tags
 * once, and every failure of the controller's answers named in the error.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Either } from "effect"
import { listTags } from "../../src/client/attributes.js"
import { Client } from "../../src/client/client.js"
import { parseOperations } from "../../src/client/operations.js"
import type { OperationResult } from "../../src/client/results.js"
import type { Session } from "../../src/client/session.js"
import { formatStructure, makeStructureTypes } from "../../src/client/templates.js"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import { EnipServer, SimulatorLive } from "../../src/server/simulator.js"
import { tampered } from "./tamperedSession.js"

const UDTS = ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}", "Line{Pump:Motor,Count:INT,Flags:BOOL[40]}"]
const TAGS = ["M=Motor[2]", "L=Line", "Program:Main.P=Motor", "DINT1=DINT"]


layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: TAGS, udts: UDTS }), { excludeTestServices: true })("structure types from the controller", (it) => {
  const connect = Effect.flatMap(EnipServer, ({ address }) => Client.connect({ host: "127.0.0.1", port: address.port }))
  /** Template instances of the controller's structure tags, by tag name. */
  const instances = (session: Session) =>
    Effect.map(listTags(session), (tags) => new Map(tags.filter((t) => (t.symbolType & 0x8000) !== 0).map((t) => [t.name, t.symbolType & 0x0fff])))

  it.scoped("a template is read once (attributes, then its definition); a nested one first; the layout places members", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const ids = yield* instances(c.session)
      const t = tampered(c.session)
      const types = makeStructureTypes(t.session)
      const line = yield* types.template(ids.get("L")!)
      expect(line.name).toBe("Line")
      expect(line.members.map((m) => m.name)).toContain("Pump")
      // Line, the Motor it nests and Motor's STRING: one attribute list and one definition read each.
      expect(t.count("GetAttributeList")).toBe(3)
      expect(t.count("ReadTemplate")).toBe(3)
      const motor = yield* types.template(ids.get("M")!)
      expect(motor.name).toBe("Motor")
      expect(t.sent).toHaveLength(6) // Motor was learned while reading Line
      expect(yield* types.template(ids.get("L")!)).toBe(line)
      expect(t.sent).toHaveLength(6)
      expect(formatStructure(motor)).toBe(
        `Motor{Speed:REAL,Running:BOOL,Faults:DINT[4],Name:STRING}  (template 0x${motor.instance.toString(16)}, handle 0x${motor.handle.toString(16).padStart(4, "0")}, ${motor.size} bytes)`)
      expect(motor.handle).toBeGreaterThan(0)
    }))

  it.scoped("a definition cut into 0x06 partial replies is read on from the next offset until it is whole", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const ids = yield* instances(c.session)
      const asked: Array<{ offset: number; bytes: number }> = []
      const t = tampered(c.session, (req, reply) => {
        if (req._tag !== "ReadTemplate" || reply._tag !== "ReadTemplate") return reply
        const at = req.path[1]
        if (at?._tag === "Instance" && at.id === ids.get("M")) asked.push({ offset: req.offset, bytes: req.bytes })
        return reply.data.length > 10 ? { ...reply, status: 0x06, data: reply.data.subarray(0, 10) } : reply
      })
      const whole = yield* makeStructureTypes(c.session).template(ids.get("M")!)
      const cut = yield* makeStructureTypes(t.session).template(ids.get("M")!)
      expect(cut.members.map((m) => [m.name, m.offset])).toEqual(whole.members.map((m) => [m.name, m.offset]))
      expect(asked.length).toBeGreaterThan(2)
      // Each request asks for the rest, from where the last reply ended.
      const total = asked[0]!.bytes
      expect(asked.map((a) => a.offset)).toEqual(asked.map((_, i) => i * 10))
      expect(asked.map((a) => a.bytes)).toEqual(asked.map((_, i) => total - i * 10))
    }))
})

/** The failures, each against a fresh StructureTypes over a tampering session. */
layer(SimulatorLive({ host: "127.0.0.1", port: 0, tags: TAGS, udts: UDTS }), { excludeTestServices: true })("structure type failures", (it) => {
  const connect = Effect.flatMap(EnipServer, ({ address }) => Client.connect({ host: "127.0.0.1", port: address.port }))

  it.scoped("attribute refusals, short attributes and Read Template refusals are named; a missing template too", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const tags = yield* listTags(c.session)
      const id = tags.find((t) => t.name === "M")!.symbolType & 0x0fff
      const message = (tamper: (req: CipRequest, reply: CipReply) => CipReply, instance = id) =>
        Effect.map(Effect.flip(makeStructureTypes(tampered(c.session, tamper).session).template(instance)), (e) => e.message)

      expect(yield* message((_, r) => r, 0xabc)).toMatch(/^template 2748: attributes: /)
      expect(yield* message((req, r) => req._tag === "GetAttributeList" && r._tag === "GetAttributeList"
        ? { ...r, attributes: r.attributes.map((a, i) => (i === 2 ? { id: a.id, status: 0x14 } : a)) }
        : r)).toMatch(new RegExp(`^template ${id}: attributes: `))
      expect(yield* message((req, r) => req._tag === "GetAttributeList" && r._tag === "GetAttributeList"
        ? { ...r, status: 0x0a }
        : r)).toMatch(new RegExp(`^template ${id}: attributes: `))
      expect(yield* message((req, r) => req._tag === "GetAttributeList"
        ? { _tag: "Generic", service: r.service, status: 0, extStatus: [], data: new Uint8Array(0) }
        : r)).toMatch(new RegExp(`^template ${id}: attributes: `))
      // Each attribute cut one byte short in turn: words and size are UDINTs, members and handle UINTs.
      for (const [at, keep] of [[0, 3], [1, 3], [2, 1], [3, 1]] as const) {
        expect(yield* message((req, r) => req._tag === "GetAttributeList" && r._tag === "GetAttributeList"
          ? { ...r, attributes: r.attributes.map((a, i) => (i === at ? { ...a, data: a.data!.subarray(0, keep) } : a)) }
          : r)).toBe(`template ${id}: malformed attributes`)
      }
      expect(yield* message((req, r) => req._tag === "ReadTemplate"
        ? { _tag: "Error", service: r.service, status: 0x08, extStatus: [], data: new Uint8Array(0) }
        : r)).toMatch(new RegExp(`^template ${id}: Read Template: `))
      expect(yield* message((req, r) => req._tag === "ReadTemplate"
        ? { _tag: "Generic", service: r.service, status: 0, extStatus: [], data: new Uint8Array(0) }
        : r)).toMatch(new RegExp(`^template ${id}: Read Template: `))
      // A definition cut short (status 0 with fewer bytes) does not parse: the parser's reason follows.
      const short = yield* message((req, r) => req._tag === "ReadTemplate" && r._tag === "ReadTemplate" ? { ...r, data: r.data.subarray(0, 6) } : r)
      expect(short).toMatch(new RegExp(`^template ${id}: `))
      expect(short).not.toMatch(/attributes|Read Template/)
      // An empty 0x06 reply ends the loop instead of asking again forever.
      const t = tampered(c.session, (req, r) => req._tag === "ReadTemplate" && r._tag === "ReadTemplate" ? { ...r, status: 0x06, data: new Uint8Array(0) } : r)
      yield* Effect.flip(makeStructureTypes(t.session).template(id))
      expect(t.count("ReadTemplate")).toBe(1)
    }))

  it.scoped("a structure handle is found by browsing the tags (and the programs' tags) once; results decode by it", () =>
    Effect.gen(function* () {
      const c = yield* connect
      const t = tampered(c.session)
      const types = makeStructureTypes(t.session)
      const motor = yield* types.template((yield* listTags(c.session)).find((x) => x.name === "M")!.symbolType & 0x0fff)
      const browsing = t.sent.length
      expect(yield* types.byHandle(motor.handle)).toBe(motor) // known: no browse
      expect(t.sent.length).toBe(browsing)
      const line = (yield* c.processAll(Either.getOrThrow(parseOperations(["L"])))).transactions[0]!
      expect(line.handle).toBeDefined()
      const decoded = yield* types.decode(line)
      expect(decoded.structure?.name).toBe("Line")
      expect(t.count("GetInstanceAttributeList")).toBeGreaterThanOrEqual(2) // the controller's tags, then Program:Main's
      const afterBrowse = t.sent.length
      expect(yield* types.byHandle(0x7777)).toBeUndefined()
      expect(t.sent.length).toBe(afterBrowse) // browsed once only

      // Not a structure, or raw bytes that are not whole elements: unchanged.
      const plain: OperationResult = { ...line, handle: undefined } as never
      expect(yield* types.decode(plain)).toBe(plain)
      const ragged: OperationResult = { ...line, raw: line.raw!.subarray(0, line.raw!.length - 1) }
      expect(yield* types.decode(ragged)).toBe(ragged)
      const unknown: OperationResult = { ...line, handle: 0x7777 }
      expect(yield* types.decode(unknown)).toBe(unknown)
      // A browse that fails leaves the result as it is.
      const broken = makeStructureTypes(tampered(c.session, (req, r) => req._tag === "GetInstanceAttributeList" ? { ...r, status: 0x08 } : r).session)
      expect(yield* broken.decode(line)).toBe(line)
    }))
})

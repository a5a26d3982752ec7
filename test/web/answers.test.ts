/**
 * The web API's answers without HTTP: `answer`/`answerMany` (src/web/api.ts) over the four groups
 * (src/web/groups.ts) against the real ServerControl, ConnectionRegistry and TagStore. Each reply
 * is checked whole where it is small: the command's exact message, the data after the command,
 * the alarms, and the state of the services read back. (test/web/api.test.ts asks the same over
 * HTTP; this file holds the edges, fast enough to run per mutant.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Layer } from "effect"
import type { HistoryRecorderService } from "../../src/history/recorderService.js"
import { ServerControl, ServerControlLive } from "../../src/server/control.js"
import { ConnectionRegistry, ConnectionRegistryLive, sessionKey } from "../../src/server/registry.js"
import { TagStore } from "../../src/tags/tagStore.js"
import { answer, answerMany, type ApiTarget, collectData, refusal } from "../../src/web/api.js"
import { type ApiServices, GROUPS, peekValues, tagPath } from "../../src/web/groups.js"
import type { ControllerItem } from "../../src/web/reply.js"
import { parseApiPath } from "../../src/web/request.js"

const TAGS = ["SCADA=INT[10]", "TEXT=SSTRING", "FLAG=BOOL", "BIG=LINT[2]", "Speed@0x93/3/10=REAL"]

const servicesLayer = (tags: ReadonlyArray<string> = TAGS) =>
  Layer.mergeAll(ServerControlLive(), ConnectionRegistryLive, TagStore.layer(tags).pipe(Layer.orDie))

const services = Effect.gen(function* () {
  return { control: yield* ServerControl, registry: yield* ConnectionRegistry, tags: yield* TagStore } satisfies ApiServices
})

type Env = ServerControl | ConnectionRegistry | TagStore
const withServices = <A, E>(body: (s: ApiServices) => Effect.Effect<A, E, Env>) =>
  Effect.flatMap(services, body).pipe(Effect.provide(servicesLayer()), Effect.scoped)

const pathOf = (p: string) => Either.getOrThrow(parseApiPath(p))
const ask = (s: ApiServices, p: string, since: number | null = null) => answer(s, pathOf(p), since)

/** The command result of an answer (fails the test when there is none). */
const commandOf = (a: { readonly reply: { readonly command: unknown } }) => {
  const c = a.reply.command as { success: boolean; message: string; value?: unknown } | null
  if (c === null || !("success" in c)) throw new Error(`no command in ${JSON.stringify(a.reply)}`)
  return c
}

const addSession = (s: ApiServices, address: string, port: number) => {
  const key = sessionKey(address, port)
  const dropped = { count: 0 }
  s.registry.add({
    key, interface: address, port, local: "127.0.0.1", localPort: 44818, since: 0, received: 48, requests: 2, eof: false,
    drop: () => { dropped.count++; s.registry.remove(key) }
  })
  return { key, dropped }
}

describe("answer: listing", () => {
  it.effect("/api: every group with its items, command null, since echoed, status 200; no controllers group for one simulator", () =>
    withServices((s) => Effect.gen(function* () {
      const a = yield* ask(s, "/api", 12.5)
      expect(a.status).toBe(200)
      expect(a.reply.command).toBeNull()
      expect(a.reply.alarm).toEqual([])
      expect(a.reply.since).toBe(12.5)
      expect(Object.keys(a.reply.data)).toEqual(["options", "tags", "connections", "server"])
      expect(a.reply.data.options).toEqual({ delay: { value: 0, range: null } })
      expect(a.reply.data.server).toEqual({ control: { disable: false, done: false, latency: 0.5, timeout: 120 } })
      expect(a.reply.data.connections).toEqual({})
      expect(a.reply.data.tags).toEqual({
        SCADA: { attribute: "SCADA          INT[10] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]", error: 0, path: "SCADA", type: "INT", count: 10 },
        TEXT: { attribute: expect.stringMatching(/^TEXT +SSTRING == ""$/), error: 0, path: "TEXT", type: "SSTRING", count: 1 },
        FLAG: { attribute: expect.stringMatching(/^FLAG +BOOL == false$/), error: 0, path: "FLAG", type: "BOOL", count: 1 },
        BIG: { attribute: expect.stringMatching(/^BIG +LINT\[2\] == \[0, 0\]$/), error: 0, path: "BIG", type: "LINT", count: 2 },
        Speed: { attribute: expect.stringMatching(/^Speed +REAL == 0$/), error: 0, path: "@0x93/3/10", type: "REAL", count: 1 }
      })
      expect(Math.abs(a.reply.until - Date.now() / 1000)).toBeLessThan(60)
    })))

  it.effect("group and item globs select; a group glob matching nothing is refused with the group names", () =>
    withServices((s) => Effect.gen(function* () {
      const a = yield* ask(s, "/api/tags/[BT]*")
      expect(Object.keys(a.reply.data)).toEqual(["tags"])
      expect(Object.keys(a.reply.data.tags!)).toEqual(["TEXT", "BIG"])
      expect(Object.keys((yield* ask(s, "/api/o*")).reply.data)).toEqual(["options"])
      expect(Object.keys((yield* ask(s, "/api/*/S*")).reply.data)).toEqual(["options", "tags", "connections", "server"])
      const bad = yield* ask(s, "/api/bogus")
      expect(bad.status).toBe(400)
      expect(bad.reply.data).toEqual({})
      expect(commandOf(bad)).toEqual({ success: false, message: 'unknown group "bogus" (one of options, tags, connections, server)' })
      const glob = yield* ask(s, "/api/[z-a]")
      expect(glob.status).toBe(400)
      expect(commandOf(glob)).toEqual({ success: false, message: 'invalid glob "[z-a]": range z-a is reversed' })
      const item = yield* ask(s, `/api/tags/${"x".repeat(257)}`)
      expect(item.status).toBe(400)
      expect(commandOf(item)).toEqual({ success: false, message: "glob too long: 257 characters (at most 256)" })
    })))

  it.effect("field reads: one value per matched item, messages joined; group globs skip groups without the field", () =>
    withServices((s) => Effect.gen(function* () {
      const r = yield* ask(s, "/api/tags/S*/path")
      expect(commandOf(r)).toEqual({ success: true, message: 'SCADA.path == "SCADA"; Speed.path == "@0x93/3/10"', value: { SCADA: "SCADA", Speed: "@0x93/3/10" } })
      const e = yield* ask(s, "/api/*/*/error")
      expect(commandOf(e).value).toEqual({ SCADA: 0, TEXT: 0, FLAG: 0, BIG: 0, Speed: 0 })
      const none = yield* ask(s, "/api/*/*/colour")
      expect(none.status).toBe(400)
      expect(commandOf(none).message).toBe('no group "*" has a command "colour"')
      const unknown = yield* ask(s, "/api/tags/SCADA/colour")
      expect(commandOf(unknown).message).toBe('tags: unknown field "colour" (one of attribute, error, path, type, count, members)')
      const unknownCmd = yield* ask(s, "/api/tags/SCADA/colour=red")
      expect(commandOf(unknownCmd).message).toBe('tags: unknown command "colour" (one of attribute, error)')
      const missing = yield* ask(s, "/api/tags/NOPE/path")
      expect(commandOf(missing).message).toBe('nothing matches "NOPE" in tags')
      // A glob matching no item is no error: nothing to do.
      expect(commandOf(yield* ask(s, "/api/tags/Q*/path"))).toEqual({ success: true, message: "nothing matched: no change" })
      expect(commandOf(yield* ask(s, "/api/server/control/latency"))).toEqual({ success: true, message: "control.latency == 0.5", value: { control: 0.5 } })
      expect(commandOf(yield* ask(s, "/api/options/delay/range"))).toEqual({ success: true, message: "delay.range == null", value: { delay: null } })
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/path[1]")).message).toBe("SCADA.path takes no element index")
    })))
})

describe("answer: tags", () => {
  it.effect("attribute writes and reads: an element, a range, a fill, a start index with several values", () =>
    withServices((s) => Effect.gen(function* () {
      const w = yield* ask(s, "/api/tags/SCADA/attribute[3]=4")
      expect(w.status).toBe(200)
      expect(commandOf(w)).toEqual({ success: true, message: "SCADA.attribute[3] <= [4]" })
      expect(w.reply.data.tags!["SCADA"]!.attribute).toBe("SCADA          INT[10] == [0, 0, 0, 4, 0, 0, 0, 0, 0, 0]")
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[3]"))).toEqual({ success: true, message: "SCADA.attribute[3] == 4", value: { SCADA: 4 } })
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[2-4]=1,2,3")).message).toBe("SCADA.attribute[2-4] <= [1, 2, 3]")
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[6-8]/9")).message).toBe("SCADA.attribute[6-8] <= [9, 9, 9]")
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute=5,6")).message).toBe("SCADA.attribute[0-1] <= [5, 6]")
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[8]=7,8")).message).toBe("SCADA.attribute[8-9] <= [7, 8]")
      expect(yield* s.tags.read("SCADA")).toEqual([5, 6, 1, 2, 3, 0, 9, 9, 7, 8])
      // Reads: the whole array, a range, one element; a scalar tag reads as its value.
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute")).value).toEqual({ SCADA: [5, 6, 1, 2, 3, 0, 9, 9, 7, 8] })
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[1-3]")).value).toEqual({ SCADA: [6, 1, 2] })
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[9-9]")).value).toEqual({ SCADA: 8 })
      expect(commandOf(yield* ask(s, "/api/tags/FLAG/attribute")).value).toEqual({ FLAG: false })
      // LINT values within 2^53 read as numbers (beyond, as strings: below).
      expect(commandOf(yield* ask(s, "/api/tags/BIG/attribute")).value).toEqual({ BIG: [0, 0] })
    })))

  it.effect("writes convert to the tag's type", () =>
    withServices((s) => Effect.gen(function* () {
      expect(commandOf(yield* ask(s, "/api/tags/TEXT/attribute=hello%2C%20world")).success).toBe(true)
      expect(yield* s.tags.read("TEXT")).toEqual(["hello, world"])
      expect(commandOf(yield* ask(s, "/api/tags/FLAG/attribute=yes")).message).toBe("FLAG.attribute[0] <= [true]")
      expect(yield* s.tags.read("FLAG")).toEqual([true])
      expect(commandOf(yield* ask(s, "/api/tags/BIG/attribute[1]=-9007199254740993")).success).toBe(true)
      expect(yield* s.tags.read("BIG", 1, 1)).toEqual([-9007199254740993n])
      expect(commandOf(yield* ask(s, "/api/tags/BIG/attribute[1]")).value).toEqual({ BIG: "-9007199254740993" })
      expect(commandOf(yield* ask(s, "/api/tags/speed/attribute=2.5")).success).toBe(true)
      expect(yield* s.tags.read("Speed")).toEqual([2.5])
    })))

  it.effect("error=8 forces the status (an alarm), the operator still writes and reads; error/0 clears", () =>
    withServices((s) => Effect.gen(function* () {
      const set = yield* ask(s, "/api/tags/SCADA/error=8")
      expect(commandOf(set)).toEqual({ success: true, message: "SCADA.error = 8" })
      expect(set.reply.data.tags!["SCADA"]!.error).toBe(8)
      expect(set.reply.alarm).toEqual(["tag SCADA: forced error status 8"])
      const failed = yield* Effect.either(s.tags.read("SCADA", 0, 1))
      expect(Either.isLeft(failed) && failed.left.status).toBe(8)
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[0]=5")).success).toBe(true)
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[0]")).value).toEqual({ SCADA: 5 })
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/error")).value).toEqual({ SCADA: 8 })
      const cleared = yield* ask(s, "/api/tags/SCADA/error/0")
      expect(commandOf(cleared)).toEqual({ success: true, message: "SCADA.error cleared" })
      expect(cleared.reply.alarm).toEqual([])
      expect(s.tags.find("SCADA")!.error).toBeUndefined()
      expect(yield* s.tags.read("SCADA", 0, 1)).toEqual([5])
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/error=255")).success).toBe(true)
      expect(s.tags.find("SCADA")!.error).toEqual({ status: 255 })
    })))

  it.effect("bad requests: status 400, the exact reason, nothing changed (all or nothing)", () =>
    withServices((s) => Effect.gen(function* () {
      yield* s.tags.write("SCADA", 0, [1, 2, 3])
      const cases: Array<[string, string]> = [
        ["/api/tags/SCADA/attribute[10]=1", "SCADA.attribute[10]: index out of range 0..9"],
        ["/api/tags/SCADA/attribute[9-10]", "SCADA.attribute[9-10]: index out of range 0..9"],
        ["/api/tags/SCADA/attribute[8-9]=1,2,3", "SCADA.attribute[8-9]: 3 values for 2 elements"],
        ["/api/tags/SCADA/attribute[9]=1,2", "SCADA.attribute: 2 values from index 9 do not fit in 0..9"],
        ["/api/tags/SCADA/attribute=0,1,2,3,4,5,6,7,8,9,10", "SCADA.attribute: 11 values from index 0 do not fit in 0..9"],
        ["/api/tags/NOPE/error=8", 'nothing matches "NOPE" in tags'],
        ["/api/tags/SCADA/error=300", 'SCADA.error: "300" is not a CIP status 0..255 (0 restores)'],
        ["/api/tags/SCADA/error=-1", 'SCADA.error: "-1" is not a CIP status 0..255 (0 restores)'],
        ["/api/tags/SCADA/error=1.5", 'SCADA.error: "1.5" is not a CIP status 0..255 (0 restores)'],
        ["/api/tags/SCADA/error=x", 'SCADA.error: "x" is not a CIP status 0..255 (0 restores)'],
        ["/api/tags/SCADA/error[2]=1", "SCADA.error takes no element index"],
        ["/api/tags/*/attribute[1]=5", "TEXT.attribute[1]: index out of range 0..0"]
      ]
      for (const [p, message] of cases) {
        const a = yield* ask(s, p)
        expect(a.status, p).toBe(400)
        expect(a.reply.data, p).toEqual({})
        expect(commandOf(a), p).toEqual({ success: false, message })
      }
      expect(yield* s.tags.read("SCADA")).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 0, 0])
      expect(s.tags.find("SCADA")!.error).toBeUndefined()
      // The last element exactly fits.
      expect(commandOf(yield* ask(s, "/api/tags/SCADA/attribute[9]=4")).success).toBe(true)
    })))

  it.effect("peekValues clips to the tag and reads nothing past it; tagPath prints a placement in hex", () =>
    withServices((s) => Effect.gen(function* () {
      yield* s.tags.write("SCADA", 0, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      const scada = s.tags.find("SCADA")!
      expect(yield* peekValues(scada, 8, 5)).toEqual([9, 10])
      expect(yield* peekValues(scada, 10, 1)).toEqual([])
      expect(yield* peekValues(scada, 0, 0)).toEqual([])
      expect(yield* peekValues(scada, 2, 3)).toEqual([3, 4, 5])
      expect(tagPath(s.tags.find("Speed")!)).toBe("@0x93/3/10")
      expect(tagPath(scada)).toBe("SCADA")
    })))
})

describe("answer: options, connections, server", () => {
  it.effect("options/delay value and range act on ServerControl; bad values change nothing", () =>
    withServices((s) => Effect.gen(function* () {
      expect(commandOf(yield* ask(s, "/api/options/delay/value=0.5"))).toEqual({ success: true, message: "delay.value = 0.5" })
      expect(s.control.unsafeState().delay).toEqual({ value: 0.5, range: undefined })
      const r = yield* ask(s, "/api/options/delay/range=0.5-1.5")
      expect(commandOf(r)).toEqual({ success: true, message: "delay.range = 0.5-1.5" })
      expect(s.control.unsafeState().delay.range).toEqual([0.5, 1.5])
      expect(r.reply.data.options).toEqual({ delay: { value: expect.any(Number), range: "0.5-1.5" } })
      const bad: Array<[string, string]> = [
        ["/api/options/delay/range=2-1", 'delay.range: "2-1" is not a range LO-HI in seconds (e.g. 0.5-1.5), or none'],
        ["/api/options/delay/range=abc", 'delay.range: "abc" is not a range LO-HI in seconds (e.g. 0.5-1.5), or none'],
        ["/api/options/delay/range=0.5", 'delay.range: "0.5" is not a range LO-HI in seconds (e.g. 0.5-1.5), or none'],
        ["/api/options/delay/value=-1", 'delay.value: "-1" is not a number >= 0'],
        ["/api/options/delay/value=x", 'delay.value: "x" is not a number >= 0'],
        ["/api/options/delay/value=Infinity", 'delay.value: "Infinity" is not a number >= 0'],
        ["/api/options/delay/value[1]=1", "delay.value takes no element index"]
      ]
      for (const [p, message] of bad) {
        const a = yield* ask(s, p)
        expect(a.status, p).toBe(400)
        expect(commandOf(a), p).toEqual({ success: false, message })
      }
      expect(s.control.unsafeState().delay.range).toEqual([0.5, 1.5])
      expect(commandOf(yield* ask(s, "/api/options/delay/value=0")).success).toBe(true)
      for (const off of ["none", "NULL", "false", "off", "%20None%20"]) {
        yield* s.control.setDelayRange([1, 2])
        expect(commandOf(yield* ask(s, `/api/options/delay/range=${off}`)), off).toEqual({ success: true, message: "delay.range cleared" })
        expect(s.control.unsafeState().delay.range, off).toBeUndefined()
      }
      yield* s.control.setDelayRange([1, 2])
      expect(commandOf(yield* ask(s, "/api/options/delay/range=")).message).toBe("delay.range cleared")
      expect(s.control.unsafeState().delay.range).toBeUndefined()
    })))

  it.effect("connections: listed by key, read, eof=true drops the matching sessions, eof=false changes nothing", () =>
    withServices((s) => Effect.gen(function* () {
      const a = addSession(s, "127.0.0.1", 52590)
      const b = addSession(s, "127.0.0.2", 40000)
      const list = yield* ask(s, "/api/connections")
      expect(list.reply.data.connections).toEqual({
        "127_0_0_1_52590": { interface: "127.0.0.1", port: 52590, received: 48, requests: 2, eof: false },
        "127_0_0_2_40000": { interface: "127.0.0.2", port: 40000, received: 48, requests: 2, eof: false }
      })
      expect(commandOf(yield* ask(s, "/api/connections/127_0_0_1_*/port")).value).toEqual({ "127_0_0_1_52590": 52590 })
      const bad = yield* ask(s, "/api/connections/*/eof/maybe")
      expect(bad.status).toBe(400)
      expect(commandOf(bad).message).toBe('127_0_0_1_52590.eof: "maybe" is not a boolean (true/yes/false/no or a number)')
      expect(commandOf(yield* ask(s, "/api/connections/*/eof[1]=true")).message).toBe("127_0_0_1_52590.eof takes no element index")
      expect(commandOf(yield* ask(s, "/api/connections/*/eof=no"))).toEqual({
        success: true, message: "127_0_0_1_52590.eof = false: no change; 127_0_0_2_40000.eof = false: no change"
      })
      expect(a.dropped.count + b.dropped.count).toBe(0)
      expect(commandOf(yield* ask(s, "/api/connections/127_0_0_1_*/eof/true"))).toEqual({ success: true, message: "127_0_0_1_52590 dropped" })
      expect([a.dropped.count, b.dropped.count]).toEqual([1, 0])
      expect(commandOf(yield* ask(s, "/api/connections/*/eof=1")).message).toBe("127_0_0_2_40000 dropped")
      expect(s.registry.size()).toBe(0)
      expect(commandOf(yield* ask(s, "/api/connections/*/eof=true"))).toEqual({ success: true, message: "nothing matched: no change" })
      // No connection matched, yet a bad value is still refused.
      const badNone = yield* ask(s, "/api/connections/*/eof=maybe")
      expect(badNone.status).toBe(400)
      expect(commandOf(badNone).message).toBe('connections.eof: "maybe" is not a boolean (true/yes/false/no or a number)')
      expect(commandOf(yield* ask(s, "/api/connections/*/eof[0]=true")).message).toBe("connections.eof takes no element index")
    })))

  it.effect("server/control: disable and enable, latency and timeout, reads, refusals", () =>
    withServices((s) => Effect.gen(function* () {
      expect(commandOf(yield* ask(s, "/api/server/control/disable=true"))).toEqual({ success: true, message: "server disabled: port closed, sessions dropped" })
      expect(s.control.unsafeState().disabled).toBe(true)
      const read = yield* ask(s, "/api/server/control/disable")
      expect(commandOf(read).value).toEqual({ control: true })
      expect(read.reply.alarm).toEqual(["server disabled: the EtherNet/IP port is closed"])
      expect(commandOf(yield* ask(s, "/api/server/control/latency=0.25"))).toEqual({ success: true, message: "control.latency = 0.25" })
      expect(commandOf(yield* ask(s, "/api/server/control/timeout=30"))).toEqual({ success: true, message: "control.timeout = 30" })
      expect(commandOf(yield* ask(s, "/api/server/control/timeout=0"))).toEqual({ success: true, message: "control.timeout = 0" })
      expect(s.control.unsafeState()).toMatchObject({ latency: 0.25, timeout: 0 })
      const refusals: Array<[string, string]> = [
        ["/api/server/control/latency=0", "control.latency must be above 0 seconds"],
        ["/api/server/control/latency=-1", 'control.latency: "-1" is not a number >= 0'],
        ["/api/server/control/timeout=-1", 'control.timeout: "-1" is not a number >= 0'],
        ["/api/server/control/disable=maybe", 'control.disable: "maybe" is not a boolean (true/yes/false/no or a number)'],
        ["/api/server/control/done=maybe", 'control.done: "maybe" is not a boolean (true/yes/false/no or a number)'],
        ["/api/server/control/latency[0]=1", "control.latency takes no element index"]
      ]
      for (const [p, message] of refusals) {
        const a = yield* ask(s, p)
        expect(a.status, p).toBe(400)
        expect(commandOf(a), p).toEqual({ success: false, message })
      }
      expect(s.control.unsafeState()).toMatchObject({ latency: 0.25, timeout: 0, done: false })
      expect(commandOf(yield* ask(s, "/api/server/control/done=false"))).toEqual({ success: true, message: "control.done = false: no change" })
      expect(s.control.unsafeState().done).toBe(false)
    })))

  it.live("server/control/done=true answers first, then finishes; done=false is then refused", () =>
    withServices((s) => Effect.gen(function* () {
      const done = yield* ask(s, "/api/server/control/done=true")
      expect(commandOf(done)).toEqual({ success: true, message: "server done: exiting" })
      // The reply is made before the server is asked to exit (after a grace period).
      expect(done.reply.data.server).toEqual({ control: { disable: false, done: false, latency: 0.5, timeout: 120 } })
      yield* s.control.awaitDone.pipe(Effect.timeout("5 seconds"))
      expect(s.control.unsafeState().done).toBe(true)
      const again = yield* ask(s, "/api/server/control/done=false")
      expect(commandOf(again)).toEqual({ success: false, message: "control.done: the server is already exiting" })
      expect(again.reply.alarm).toEqual(["server done: exiting"])
    })))
})

describe("answer: alarms, vanished items, refusals", () => {
  it.effect("history losses and a failing writer are alarms", () =>
    withServices((s) => Effect.gen(function* () {
      const stats = { overflowed: 0, writer: { failing: undefined as string | undefined, pending: 0, dropped: 0 } }
      const history = { unsafeStats: () => stats } as unknown as HistoryRecorderService
      const h: ApiServices = { ...s, history }
      expect((yield* ask(h, "/api/server")).reply.alarm).toEqual([])
      stats.overflowed = 2
      stats.writer.dropped = 1
      expect((yield* ask(h, "/api/server")).reply.alarm).toEqual(["history: 3 events not recorded"])
      stats.overflowed = 0
      stats.writer.dropped = 0
      stats.writer.failing = "EACCES"
      stats.writer.pending = 7
      expect((yield* ask(h, "/api/server")).reply.alarm).toEqual(["history: cannot write the file (EACCES); 7 records waiting"])
      expect(refusal(h, "no", 3)).toMatchObject({ alarm: ["history: cannot write the file (EACCES); 7 records waiting"], command: { success: false, message: "no" }, data: {}, since: 3 })
    })))

  it.effect("refusal: the alarms, the message, no data", () =>
    withServices((s) => Effect.gen(function* () {
      yield* s.control.setDisabled(true)
      const r = refusal(s, "missing token", null)
      expect(r).toMatchObject({ alarm: ["server disabled: the EtherNet/IP port is closed"], command: { success: false, message: "missing token" }, data: {}, since: null })
      expect(Math.abs(r.until - Date.now() / 1000)).toBeLessThan(60)
    })))

  it.effect("collectData leaves out an item that vanished; a read of one fails the command", () =>
    withServices((s) => Effect.gen(function* () {
      const conn = GROUPS.find((g) => g.name === "connections")!
      const ghost: ApiServices = { ...s, registry: { ...s.registry, entries: () => [{ key: "gone" } as never] } }
      expect(yield* collectData(ghost, [conn], { test: () => true } as never)).toStrictEqual({ connections: {} })
      const r = yield* answer(ghost, pathOf("/api/connections/*/port"), null)
      expect(commandOf(r)).toEqual({ success: false, message: "no connection gone" })
    })))
})

describe("answerMany: a fleet", () => {
  const targets = Effect.gen(function* () {
    const make = (name: string, tags: ReadonlyArray<string>, serial: number) =>
      Effect.map(Effect.flatMap(Layer.build(servicesLayer(tags)), (ctx) => Effect.provide(services, ctx)), (s): ApiTarget => ({
        name, s,
        item: (): ControllerItem => ({ address: `127.0.0.1:${serial}`, state: "running", sessions: 0, requests: serial, tags: tags.length, product: "p", serial, delay: 0, errors: 0 }) as ControllerItem
      }))
    return [yield* make("a", ["X=INT", "Y=INT"], 1), yield* make("b", ["X=INT"], 2)]
  })

  it.effect("items are keyed controller/item; commands run on every controller; the controllers group reads", () =>
    Effect.gen(function* () {
      const [a, b] = yield* targets
      const all = yield* answerMany([a!, b!], pathOf("/api"), null)
      expect(Object.keys(all.reply.data)).toEqual(["options", "tags", "connections", "server", "controllers"])
      expect(Object.keys(all.reply.data.tags!)).toEqual(["a/X", "a/Y", "b/X"])
      expect(Object.keys(all.reply.data["controllers"]!)).toEqual(["a", "b"])
      const w = yield* answerMany([a!, b!], pathOf("/api/tags/X/attribute=7"), null)
      expect(commandOf(w)).toEqual({ success: true, message: "a: X.attribute[0] <= [7]; b: X.attribute[0] <= [7]" })
      expect(yield* a!.s.tags.read("X")).toEqual([7])
      expect(yield* b!.s.tags.read("X")).toEqual([7])
      const r = yield* answerMany([a!, b!], pathOf("/api/tags/X/attribute"), null)
      expect(commandOf(r)).toEqual({ success: true, message: "a: X.attribute == 7; b: X.attribute == 7", value: { "a/X": 7, "b/X": 7 } })
      // Y is only on a: the rest is not an error.
      expect(commandOf(yield* answerMany([a!, b!], pathOf("/api/tags/Y/attribute=1"), null)).message).toBe("a: Y.attribute[0] <= [1]")
      const none = yield* answerMany([a!, b!], pathOf("/api/tags/Z/attribute=1"), null)
      expect(none.status).toBe(400)
      expect(commandOf(none).message).toBe('nothing matches "Z" in tags on any controller')
      const bad = yield* answerMany([a!, b!], pathOf("/api/tags/X/attribute=x"), null)
      expect(commandOf(bad).message).toBe('a: "x" is not a INT (not an integer)')
      const fields = yield* answerMany([a!, b!], pathOf("/api/controllers/*/requests"), null)
      expect(commandOf(fields)).toEqual({ success: true, message: "a.requests == 1; b.requests == 2", value: { a: 1, b: 2 } })
      expect(Object.keys(fields.reply.data)).toEqual(["controllers"])
      expect(commandOf(yield* answerMany([a!, b!], pathOf("/api/controllers/q*/requests"), null)).message).toBe("nothing matched")
      const ro = yield* answerMany([a!, b!], pathOf("/api/controllers/a/requests=3"), null)
      expect(ro.status).toBe(400)
      expect(commandOf(ro).message).toBe("controllers: read-only; fields address, state, sessions, requests, tags, product, serial, delay, errors (change a controller through its groups, e.g. /api/server/control/disable=true or /NAME/api/…)")
      expect(commandOf(yield* answerMany([a!, b!], pathOf("/api/controllers/a/colour"), null)).success).toBe(false)
      const unknown = yield* answerMany([a!, b!], pathOf("/api/bogus"), null)
      expect(commandOf(unknown).message).toBe('unknown group "bogus" (one of options, tags, connections, server, controllers)')
      // A failing controller stops the rest: b is not written.
      yield* a!.s.control.setDisabled(true)
      const alarms = yield* answerMany([a!, b!], pathOf("/api/server"), null)
      expect(alarms.reply.alarm).toEqual(["a: server disabled: the EtherNet/IP port is closed"])
    }).pipe(Effect.scoped))

  it.effect("the controllers group without a command; a target without a row has no group; a glob found on some controllers only", () =>
    Effect.gen(function* () {
      const [a, b] = yield* targets
      const listed = yield* answerMany([a!, b!], pathOf("/api/controllers"), null)
      expect(listed.status).toBe(200)
      expect(listed.reply.command).toBeNull()
      expect(Object.keys(listed.reply.data)).toEqual(["controllers"])
      expect(listed.reply.data["controllers"]).toEqual({ a: a!.item!(), b: b!.item!() })
      // One target without a controllers row: no controllers group for any (not listed, not offered).
      const mixed = [a!, { name: "c", s: b!.s }]
      expect(Object.keys((yield* answerMany(mixed, pathOf("/api"), null)).reply.data)).toEqual(["options", "tags", "connections", "server"])
      expect(commandOf(yield* answerMany(mixed, pathOf("/api/bogus"), null)).message).toBe('unknown group "bogus" (one of options, tags, connections, server)')
      // Y* matches a's Y only: a's read has a value, b's nothing; the merged reply keeps a's value.
      expect(commandOf(yield* answerMany([a!, b!], pathOf("/api/tags/Y*/attribute"), null)))
        .toEqual({ success: true, message: "a: Y.attribute == 0; b: nothing matched: no change", value: { "a/Y": 0 } })
    }).pipe(Effect.scoped))
})

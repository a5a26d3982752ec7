/**
 * The Connection Manager's services on their own (src/device/connectionManager.ts): the route
 * check of Unconnected Send and Forward Open, the connection path (ports, an electronic key, the
 * Message Router), sizes, transport class, and the total / per-session / per-peer limits, each to
 * the exact count.
 */
import { describe, expect, it } from "@effect/vitest"
import type { ForwardCloseRequest, ForwardOpenRequest, Segment } from "../../src/cip/model.js"
import { checkRoute, forwardClose, forwardOpen, type ForwardOpenLimits, type RoutePath } from "../../src/device/connectionManager.js"
import { makeConnectionTable } from "../../src/device/connections.js"
import { att, cls, connParams, forwardOpenRequest, ins, port, sym } from "./helpers.js"

const params = connParams
const key: Segment = { _tag: "Key", vendor: 1, deviceType: 14, productCode: 54, major: 20, compatibility: true, minor: 11 }
let serial = 0
const fo = (over: Partial<ForwardOpenRequest> = {}): ForwardOpenRequest => forwardOpenRequest({
  toConnectionId: 0x55, connectionSerial: ++serial, originatorSerial: 7, otRpi: 10_000, otParams: params(500), toRpi: 20_000, toParams: params(500), ...over
})
const ROUTE: RoutePath = [port(1, 0)]

describe("checkRoute", () => {
  it("accepts no route, or exactly the configured one (links compared without case); says which part is wrong", () => {
    expect(checkRoute(ROUTE, [])).toBeUndefined()
    expect(checkRoute("simple", [])).toBeUndefined()
    expect(checkRoute("simple", [port(1, 0)])).toBe(0x0311)
    expect(checkRoute(ROUTE, [port(1, 0)])).toBeUndefined()
    expect(checkRoute(ROUTE, [port(1, "0")])).toBeUndefined()
    expect(checkRoute(ROUTE, [port(2, 0)])).toBe(0x0311) // port not available
    expect(checkRoute(ROUTE, [port(1, 3)])).toBe(0x0312) // link address not valid
    expect(checkRoute(ROUTE, [cls(2)])).toBe(0x0311)
    expect(checkRoute(ROUTE, [port(1, 0), port(2, "10.0.0.1")])).toBe(0x0311) // routed further than we go
    const two: RoutePath = [port(1, 0), port(2, "PLC-a")]
    expect(checkRoute(two, [port(1, 0), port(2, "plc-A")])).toBeUndefined()
    expect(checkRoute(two, [port(1, 0), port(2, "plc-b")])).toBe(0x0312)
    expect(checkRoute(two, [port(1, 0)])).toBe(0x0312) // stops short of us
    expect(checkRoute(two, [port(1, 0), port(3, "plc-a")])).toBe(0x0311)
  })
})

describe("forwardOpen", () => {
  const open = (req: ForwardOpenRequest, limits: ForwardOpenLimits = { maxConnections: 100 }, session = 1, peer = "p", route: RoutePath = ROUTE) =>
    forwardOpen(table, route, limits, session, peer, req)
  let table = makeConnectionTable(() => 0)

  it("answers with the connection it opened: our O→T id, the client's T→O id, the triple and the RPIs", () => {
    table = makeConnectionTable(() => 0)
    const req = fo({ large: true })
    const r = open(req)
    if (r._tag !== "ForwardOpen") throw new Error(r._tag)
    const c = table.lookup(r.otConnectionId)!
    expect(r).toEqual({
      _tag: "ForwardOpen", service: 0xdb, status: 0, extStatus: [], large: true, otConnectionId: c.otConnectionId, toConnectionId: 0x55,
      connectionSerial: req.connectionSerial, originatorVendor: 0x1234, originatorSerial: 7, otApi: 10_000, toApi: 20_000, applicationReply: new Uint8Array(0)
    })
    expect(c).toMatchObject({ session: 1, peer: "p" })
  })

  it("connection paths: ports, an optional electronic key, then the Message Router (instance 1 or none)", () => {
    table = makeConnectionTable(() => 0)
    const path = (connectionPath: ReadonlyArray<Segment>) => open(fo({ connectionPath }))
    for (const ok of [[port(1, 0), cls(2), ins(1)], [port(1, 0), key, cls(2), ins(1)], [key, cls(2), ins(1)], [port(1, 0), cls(2)], [cls(2), ins(1)]]) {
      expect(path(ok), JSON.stringify(ok)).toMatchObject({ _tag: "ForwardOpen", status: 0 })
    }
    for (const bad of [[], [port(1, 0)], [port(1, 0), key], [port(1, 0), cls(1), ins(1)], [port(1, 0), cls(2), ins(2)], [port(1, 0), cls(2), att(1)], [port(1, 0), key, key, cls(2)], [sym("x"), cls(2)]]) {
      const r = path(bad)
      expect(r, JSON.stringify(bad)).toMatchObject({ _tag: "ForwardOpenFailed", service: 0xd4, status: 0x01, extStatus: [0x0315], large: false, remainingPathSize: 0 })
    }
    expect(path([port(1, 2), cls(2), ins(1)])).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0312] })
    expect(open(fo(), { maxConnections: 9 }, 1, "p", "simple")).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0311] })
    expect(open(fo({ connectionPath: [cls(2), ins(1)] }), { maxConnections: 99 }, 1, "p", "simple")).toMatchObject({ _tag: "ForwardOpen" })
  })

  it("sizes from 2 to 511 bytes (4002 for Large Forward Open), each direction; transport class 3 only", () => {
    table = makeConnectionTable(() => 0)
    const size = (ot: number, to: number, large = false) => open(fo({ large, otParams: params(ot), toParams: params(to) }))
    expect(size(2, 2)).toMatchObject({ _tag: "ForwardOpen" })
    expect(size(511, 511)).toMatchObject({ _tag: "ForwardOpen" })
    for (const [ot, to] of [[1, 2], [2, 1], [512, 2], [2, 512], [0, 500]]) expect(size(ot!, to!), `${ot}/${to}`).toMatchObject({ extStatus: [0x0109] })
    expect(size(4002, 2, true)).toMatchObject({ _tag: "ForwardOpen", large: true })
    expect(size(2, 4003, true)).toMatchObject({ _tag: "ForwardOpenFailed", service: 0xdb, extStatus: [0x0109], large: true })
    expect(size(1, 4000, true)).toMatchObject({ extStatus: [0x0109] })
    for (const t of [0xa3, 0x83, 0x03, 0x13]) expect(open(fo({ transportClassTrigger: t })), t.toString(16)).toMatchObject({ _tag: "ForwardOpen" })
    for (const t of [0xa1, 0xa2, 0x04, 0x30]) expect(open(fo({ transportClassTrigger: t })), t.toString(16)).toMatchObject({ extStatus: [0x0103] })
  })

  it("the limits hold to the exact count: in all, per session, per peer (not for an unknown peer)", () => {
    table = makeConnectionTable(() => 0)
    const limits = { maxConnections: 6, maxPerSession: 2, maxPerPeer: 3 }
    expect(open(fo(), limits, 1, "a")).toMatchObject({ _tag: "ForwardOpen" })
    expect(open(fo(), limits, 1, "a")).toMatchObject({ _tag: "ForwardOpen" })
    expect(open(fo(), limits, 1, "a")).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0113] }) // session 1 has 2
    expect(open(fo(), limits, 2, "a")).toMatchObject({ _tag: "ForwardOpen" })
    expect(open(fo(), limits, 3, "a")).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0113] }) // peer a has 3
    expect(open(fo(), limits, 3, "")).toMatchObject({ _tag: "ForwardOpen" }) // no peer known: not counted per peer
    expect(open(fo(), limits, 3, "")).toMatchObject({ _tag: "ForwardOpen" })
    expect(open(fo(), limits, 4, "b")).toMatchObject({ _tag: "ForwardOpen" })
    expect(table.size()).toBe(6)
    expect(open(fo(), limits, 5, "c")).toMatchObject({ _tag: "ForwardOpenFailed", extStatus: [0x0113] }) // 6 in all
    // no per-session or per-peer limit given: only the total counts
    table = makeConnectionTable(() => 0)
    for (let i = 0; i < 4; i++) expect(open(fo(), { maxConnections: 4 }, 1, "a")).toMatchObject({ _tag: "ForwardOpen" })
    expect(open(fo(), { maxConnections: 4 }, 1, "a")).toMatchObject({ extStatus: [0x0113] })
  })

  it("a triple already open is refused (0x0100); Forward Close frees it, only for the session that opened it", () => {
    table = makeConnectionTable(() => 0)
    const req = fo()
    expect(open(req)).toMatchObject({ _tag: "ForwardOpen" })
    expect(open({ ...req, toConnectionId: 9 }, { maxConnections: 100 }, 2)).toMatchObject({ extStatus: [0x0100] })
    const close: ForwardCloseRequest = {
      _tag: "ForwardClose", path: [cls(6), ins(1)], priorityTimeTick: 5, timeoutTicks: 157,
      connectionSerial: req.connectionSerial, originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial, connectionPath: []
    }
    expect(forwardClose(table, close, 2)).toEqual({
      _tag: "ForwardOpenFailed", service: 0xce, status: 0x0f, extStatus: [], large: false,
      connectionSerial: req.connectionSerial, originatorVendor: 0x1234, originatorSerial: 7, remainingPathSize: 0
    })
    expect(forwardClose(table, close, 1)).toEqual({
      _tag: "ForwardClose", service: 0xce, status: 0, extStatus: [],
      connectionSerial: req.connectionSerial, originatorVendor: 0x1234, originatorSerial: 7, applicationReply: new Uint8Array(0)
    })
    expect(forwardClose(table, close, 1)).toEqual({
      _tag: "ForwardOpenFailed", service: 0xce, status: 0x01, extStatus: [0x0107], large: false,
      connectionSerial: req.connectionSerial, originatorVendor: 0x1234, originatorSerial: 7, remainingPathSize: 0
    })
    expect(open(req)).toMatchObject({ _tag: "ForwardOpen" })
  })
})

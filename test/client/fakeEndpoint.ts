/** A server Endpoint over the fake device, so the client runs against the real server code. */
import { Layer } from "effect"
import type { CipReply, CipRequest } from "../../src/cip/model.js"
import type { CipEndpoint, ConnectionView } from "../../src/server/encapsulation.js"
import { ConnectionRegistryLive } from "../../src/server/registry.js"
import { ServerControlLive } from "../../src/server/control.js"
import { Endpoint, EnipServerLive } from "../../src/server/server.js"
import { makeFakeDevice, type FakeTag } from "./fakeDevice.js"

/** What the fake endpoint saw (to check the client's connection lifecycle). */
export const seen = { forwardOpen: 0, forwardClose: 0, sessionsClosed: 0 }

export const makeFakeEndpoint = (tags: Record<string, FakeTag>, opts: { largeForwardOpen?: boolean } = {}): CipEndpoint => {
  const dev = makeFakeDevice(tags)
  const connections = new Map<number, ConnectionView>()
  let nextId = 0x1000
  const handle = (req: CipRequest, ctx: { session: number }): CipReply => {
    switch (req._tag) {
      case "UnconnectedSend": return handle(req.request, ctx)
      case "ForwardOpen": {
        if (req.large && opts.largeForwardOpen === false) {
          return { _tag: "Error", service: 0xdb, status: 0x08, extStatus: [], data: new Uint8Array(0) }
        }
        seen.forwardOpen++
        const otConnectionId = nextId++
        connections.set(otConnectionId, { session: ctx.session, otConnectionId, toConnectionId: req.toConnectionId, maxReply: req.toParams.size - 2, touch: () => {}, lastReply: undefined })
        return {
          _tag: "ForwardOpen", service: req.large ? 0xdb : 0xd4, status: 0, extStatus: [], large: req.large,
          otConnectionId, toConnectionId: req.toConnectionId, connectionSerial: req.connectionSerial,
          originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial,
          otApi: req.otRpi, toApi: req.toRpi, applicationReply: new Uint8Array(0)
        }
      }
      case "ForwardClose":
        seen.forwardClose++
        return { _tag: "ForwardClose", service: 0xce, status: 0, extStatus: [], connectionSerial: req.connectionSerial, originatorVendor: req.originatorVendor, originatorSerial: req.originatorSerial, applicationReply: new Uint8Array(0) }
      default: return dev.answer(req)
    }
  }
  return {
    handle,
    lookupConnection: (id) => connections.get(id),
    closeSession: () => { seen.sessionsClosed++ },
    identity: (address, port) => ({
      protocolVersion: 1, sockaddr: { family: 2, port, address }, vendorId: 1, deviceType: 14, productCode: 54,
      revision: [20, 11], status: 0x3160, serialNumber: 0x006c061a, productName: "1756-L61/B LOGIX5561", state: 255
    })
  }
}

export const fakeServerLayer = (tags: Record<string, FakeTag>, opts: { largeForwardOpen?: boolean } = {}) =>
  EnipServerLive({ host: "127.0.0.1", port: 0 }).pipe(
    Layer.provide(Layer.succeed(Endpoint, makeFakeEndpoint(tags, opts))),
    Layer.provideMerge(ServerControlLive()),
    Layer.provideMerge(ConnectionRegistryLive)
  )

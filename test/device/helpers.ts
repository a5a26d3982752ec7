import { Effect } from "effect"
import type { CipReply, CipRequest, EPath, ForwardOpenRequest, Segment } from "../../src/cip/model.js"
import { type ControllerConfig, type ControllerService, makeController } from "../../src/device/controller.js"
import { makeTagStore, type TagStoreService } from "../../src/tags/tagStore.js"

export const sym = (name: string): Segment => ({ _tag: "Symbolic", name })
export const el = (index: number): Segment => ({ _tag: "Element", index })
export const cls = (id: number): Segment => ({ _tag: "Class", id })
export const ins = (id: number): Segment => ({ _tag: "Instance", id })
export const att = (id: number): Segment => ({ _tag: "Attribute", id })
export const port = (p: number, link: number | string): Segment => ({ _tag: "Port", port: p, link })
export const tagPath = (name: string, index?: number): EPath => (index === undefined ? [sym(name)] : [sym(name), el(index)])

export interface Fixture {
  readonly store: TagStoreService
  readonly ctl: ControllerService
  /** Handle synchronously; fails the test if the controller returned an Effect. */
  readonly sync: (req: CipRequest, maxReply?: number, session?: number) => CipReply
  readonly run: (req: CipRequest, maxReply?: number) => Promise<CipReply>
}

/** A controller over `specs` (tags may be of the structures `udts` declares). */
export const fixture = (specs: ReadonlyArray<string>, config: ControllerConfig = {}, udts?: ReadonlyArray<string>): Fixture => {
  const store = Effect.runSync(makeTagStore(specs, udts !== undefined ? { udts } : {}))
  const ctl = makeController(store, config)
  const sync = (req: CipRequest, maxReply = 504, session = 1) => {
    const r = ctl.handle(req, { session, maxReply })
    if (Effect.isEffect(r)) throw new Error(`expected a synchronous reply to ${req._tag}`)
    return r
  }
  const run = (req: CipRequest, maxReply = 504) => {
    const r = ctl.handle(req, { session: 1, maxReply })
    return Effect.runPromise(Effect.isEffect(r) ? r : Effect.succeed(r))
  }
  return { store, ctl, sync, run }
}

export const le16 = (...vals: ReadonlyArray<number>) => {
  const b = new Uint8Array(vals.length * 2)
  const dv = new DataView(b.buffer)
  vals.forEach((v, i) => dv.setInt16(i * 2, v, true))
  return b
}
export const bytes = (r: CipReply): ReadonlyArray<number> => ("data" in r ? Array.from(r.data) : [])
export const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => Number.parseInt(h, 16))

/** Connection parameters of a Forward Open (point-to-point, variable size). */
export const connParams = (size: number) => ({ size, variable: true, priority: 0, type: 2, redundantOwner: false })
/** A Forward Open request as pycomm3 sends it (sim.forward_open), with fields replaced by `over`. */
export const forwardOpenRequest = (over: Partial<ForwardOpenRequest> = {}): ForwardOpenRequest => ({
  _tag: "ForwardOpen", path: [cls(6), ins(1)], large: false, priorityTimeTick: 5, timeoutTicks: 157,
  otConnectionId: 0, toConnectionId: 0xffffffff, connectionSerial: 0x0101, originatorVendor: 0x1234, originatorSerial: 1,
  timeoutMultiplier: 0, otRpi: 2_000_000, otParams: connParams(510), toRpi: 2_000_000, toParams: connParams(510),
  transportClassTrigger: 0xa3, connectionPath: [port(1, 0), cls(2), ins(1)], ...over
})

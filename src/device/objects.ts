/**
 * Attribute services (Get Attributes All, Get Attribute Single, Get Attribute List, Set Attribute
 * Single) on the controller's own objects — Identity, Message Router, Connection Manager, TCP/IP
 * Interface, Ethernet Link, Symbol and Template — and on tags placed at `@cls/ins/att`.
 */
import { Effect } from "effect"
import type {
  CipReply, GetAttributeListRequest, GetAttributeSingleRequest, GetAttributesAllRequest, SetAttributeSingleRequest
} from "../cip/model.js"
import { ClassId, Service } from "../cip/model.js"
import { Status } from "../cip/status.js"
import { type Outcome, TagError, type TagStoreService } from "../tags/tagStore.js"
import { allAttributes, IDENTITY_ALL_LAST } from "./identity.js"
import { logicalPath } from "./paths.js"
import { errorReply, mapSync, type SyncOr } from "./reply.js"
import { symbolInstanceAttribute } from "./symbols.js"
import type { Templates } from "./templates.js"

/** A class the controller implements: its instances' attribute maps (instance 0 = class attributes). */
export type ObjectTable = ReadonlyMap<number, ReadonlyMap<number, ReadonlyMap<number, Uint8Array>>>

/** An attribute's bytes, or a CIP status (`number`) saying why there are none. */
type Lookup = Uint8Array | number | Effect.Effect<Uint8Array | number>

const fromOutcome = (o: Outcome<Uint8Array>): Lookup =>
  o instanceof TagError ? o.status
    : Effect.isEffect(o) ? Effect.catchAll(o as Effect.Effect<Uint8Array, TagError>, (e) => Effect.succeed(e.status))
    : (o as Uint8Array)

export const makeAttributeServices = (objects: ObjectTable, store: TagStoreService, templates: Templates) => {
  /** One attribute of `cls/ins`, from the objects, the Symbol/Template objects or a placed tag. */
  const lookup = (cls: number, ins: number, att: number): Lookup => {
    const obj = objects.get(cls)
    if (obj !== undefined) {
      const inst = obj.get(ins)
      if (inst === undefined) return Status.ObjectDoesNotExist
      return inst.get(att) ?? Status.AttributeNotSupported
    }
    if (cls === ClassId.Symbol) {
      if (store.findInstance(ins) === undefined) return Status.ObjectDoesNotExist
      return symbolInstanceAttribute(store, ins, att) ?? Status.AttributeNotSupported
    }
    if (cls === ClassId.Template) return templates.attribute(ins, att) ?? Status.ObjectDoesNotExist
    const tag = store.findPlacement(cls, ins, att)
    if (tag !== undefined) return fromOutcome(store.readBytes(tag, 0, tag.wireCount))
    return Status.PathDestinationUnknown
  }

  const single = (req: GetAttributeSingleRequest): SyncOr<CipReply> => {
    const p = logicalPath(req.path)
    if (p === undefined || p.ins === undefined || p.att === undefined) return errorReply(Service.GetAttributeSingle, Status.PathSegmentError)
    return mapSync(lookup(p.cls, p.ins, p.att) as SyncOr<Uint8Array | number>, (r): CipReply =>
      typeof r === "number"
        ? errorReply(Service.GetAttributeSingle, r, r === Status.PathDestinationUnknown ? [0] : [])
        : { _tag: "GetAttributeSingle", service: 0x8e, status: 0, extStatus: [], data: r })
  }

  const all = (req: GetAttributesAllRequest): SyncOr<CipReply> => {
    const p = logicalPath(req.path)
    if (p === undefined || p.att !== undefined) return errorReply(Service.GetAttributesAll, Status.PathSegmentError)
    const obj = objects.get(p.cls)
    const inst = obj?.get(p.ins ?? 0)
    if (inst !== undefined) return { _tag: "GetAttributesAll", service: 0x81, status: 0, extStatus: [], data: allAttributes(inst, p.cls === ClassId.Identity ? IDENTITY_ALL_LAST : Infinity) }
    if (obj !== undefined) return errorReply(Service.GetAttributesAll, Status.ObjectDoesNotExist)
    if (p.ins !== undefined) {
      // A placed tag's instance: the attributes of its tags in attribute order.
      const tags = store.tags.filter((t) => t.spec.placement?.cls === p.cls && t.spec.placement.ins === p.ins)
        .sort((a, b) => a.spec.placement!.att - b.spec.placement!.att)
      if (tags.length > 0) {
        const parts: Array<SyncOr<Uint8Array | number>> = tags.map((t) => lookup(p.cls, p.ins!, t.spec.placement!.att) as SyncOr<Uint8Array | number>)
        const finish = (vals: ReadonlyArray<Uint8Array | number>): CipReply => {
          const bad = vals.find((v) => typeof v === "number")
          if (bad !== undefined) return errorReply(Service.GetAttributesAll, bad as number)
          const bytes = vals as ReadonlyArray<Uint8Array>
          const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0))
          let o = 0
          for (const b of bytes) { out.set(b, o); o += b.length }
          return { _tag: "GetAttributesAll", service: 0x81, status: 0, extStatus: [], data: out }
        }
        return parts.some((x) => Effect.isEffect(x))
          ? Effect.map(Effect.all(parts.map((x) => (Effect.isEffect(x) ? x as Effect.Effect<Uint8Array | number> : Effect.succeed(x)))), finish)
          : finish(parts as ReadonlyArray<Uint8Array | number>)
      }
    }
    return errorReply(Service.GetAttributesAll, Status.PathDestinationUnknown, [0])
  }

  const list = (req: GetAttributeListRequest): SyncOr<CipReply> => {
    const p = logicalPath(req.path)
    if (p === undefined || p.ins === undefined || p.att !== undefined) return errorReply(Service.GetAttributeList, Status.PathSegmentError)
    if (p.cls === ClassId.Template) return templates.getAttributeList(req, p.ins)
    const ins = p.ins
    const parts = req.attributes.map((id) => lookup(p.cls, ins, id) as SyncOr<Uint8Array | number>)
    const finish = (vals: ReadonlyArray<Uint8Array | number>): CipReply => {
      const attributes = req.attributes.map((id, i) => {
        const v = vals[i]!
        return typeof v === "number" ? { id, status: v } : { id, status: 0, data: v }
      })
      return { _tag: "GetAttributeList", service: 0x83, status: attributes.some((a) => a.status !== 0) ? Status.AttributeListError : 0, extStatus: [], attributes }
    }
    return parts.some((x) => Effect.isEffect(x))
      ? Effect.map(Effect.all(parts.map((x) => (Effect.isEffect(x) ? x as Effect.Effect<Uint8Array | number> : Effect.succeed(x)))), finish)
      : finish(parts as ReadonlyArray<Uint8Array | number>)
  }

  const set = (req: SetAttributeSingleRequest): SyncOr<CipReply> => {
    const service = Service.SetAttributeSingle
    const p = logicalPath(req.path)
    if (p === undefined || p.ins === undefined || p.att === undefined) return errorReply(service, Status.PathSegmentError)
    const obj = objects.get(p.cls)
    if (obj !== undefined || p.cls === ClassId.Symbol || p.cls === ClassId.Template) {
      const known = obj?.get(p.ins)?.has(p.att) ?? false
      return errorReply(service, known ? Status.AttributeNotSettable : Status.AttributeNotSupported)
    }
    const tag = store.findPlacement(p.cls, p.ins, p.att)
    if (tag === undefined) return errorReply(service, Status.PathDestinationUnknown, [0])
    const size = tag.elementSize
    if (size !== undefined && req.data.length < size * tag.wireCount) return errorReply(service, Status.NotEnoughData)
    if (size !== undefined && req.data.length > size * tag.wireCount) return errorReply(service, Status.TooMuchData)
    const done = (): CipReply => ({ _tag: "SetAttributeSingle", service: 0x90, status: 0, extStatus: [] })
    const o = store.writeBytes(tag, 0, tag.wireCount, req.data)
    if (o instanceof TagError) return errorReply(service, o.status, o.extStatus)
    if (Effect.isEffect(o)) {
      return Effect.match(o as Effect.Effect<void, TagError>, { onFailure: (e) => errorReply(service, e.status, e.extStatus), onSuccess: done })
    }
    return done()
  }

  return { single, all, list, set }
}

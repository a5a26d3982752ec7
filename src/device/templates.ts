/**
 * The Template object (0x6C): one instance per structure the controller holds — the built-in
 * STRING (instance 0x0FCE) and every user structure (instances from 0x100) — answering Get
 * Attribute List (attributes 1-5) and Read Template (the definition bytes), as a ControlLogix
 * does. Layouts and definition bytes come from cip/layout.ts.
 */
import { Writer } from "../cip/bytes.js"
import { type StructLayout, templateDefinition, type TypeRegistry } from "../cip/layout.js"
import type { CipReply, GetAttributeListRequest, ReadTemplateRequest } from "../cip/model.js"
import { Service } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import { errorReply } from "./reply.js"

/** What one template instance serves: its layout, attribute 4 and its definition bytes. */
interface TemplateInstance {
  readonly layout: StructLayout
  readonly words: number
  readonly bytes: Uint8Array
}

/** The Template object over a controller's types (definitions encoded once). */
export const makeTemplates = (types: TypeRegistry) => {
  const instances = new Map<number, TemplateInstance>()
  for (const layout of types.layouts) instances.set(layout.instance, { layout, ...templateDefinition(layout) })

  /**
   * Attributes: 1 handle, 2 member count, 3 (undocumented; pylogix asks for it and reads two
   * bytes), 4 definition size in 32-bit words, 5 structure size in bytes. Undefined: no such
   * instance (a number: no such attribute).
   */
  const attribute = (instance: number, att: number): Uint8Array | undefined => {
    const t = instances.get(instance)
    if (t === undefined) return undefined
    const w = new Writer(4)
    switch (att) {
      case 1: return w.u16(t.layout.handle).finish()
      case 2: return w.u16(t.layout.members.length).finish()
      case 3: return w.u16(0).finish()
      case 4: return w.u32(t.words).finish()
      case 5: return w.u32(t.layout.size).finish()
      default: return undefined
    }
  }

  const getAttributeList = (req: GetAttributeListRequest, instance: number): CipReply => {
    if (!instances.has(instance)) return errorReply(Service.GetAttributeList, Status.ObjectDoesNotExist)
    return {
      _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: [],
      attributes: req.attributes.map((id) => {
        const data = attribute(instance, id)
        return data === undefined ? { id, status: Status.AttributeNotSupported } : { id, status: 0, data }
      })
    }
  }

  /**
   * Read Template (0x4C on @0x6C/instance): up to `bytes` of the definition from `offset`, status
   * 0x06 when the reply size cut it short. Asking past the end gets fewer bytes; a read starting
   * at or after the end is refused (0xFF, 0x2105), so a client that loops until it holds the size
   * it computed stops there instead of being answered "success, no data" forever.
   */
  const readTemplate = (req: ReadTemplateRequest, maxReply: number): CipReply => {
    const service = Service.ReadTemplate
    const [c, n] = req.path
    if (c?._tag !== "Class" || n?._tag !== "Instance" || req.path.length !== 2) return errorReply(service, Status.PathSegmentError)
    const t = instances.get(n.id)
    if (t === undefined) return errorReply(service, Status.PathDestinationUnknown, [0])
    const def = t.bytes
    if (req.offset >= def.length) return errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])
    const want = Math.min(req.bytes, def.length - req.offset)
    const room = Math.max(0, maxReply - 4)
    const got = Math.min(want, room)
    return {
      _tag: "ReadTemplate", service: 0xcc, status: got < want ? Status.PartialTransfer : 0, extStatus: [],
      data: def.slice(req.offset, req.offset + got)
    }
  }

  return { attribute, getAttributeList, readTemplate }
}

export type Templates = ReturnType<typeof makeTemplates>

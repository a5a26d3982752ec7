/**
 * The Symbol object (0x6B: the tag list, Get Instance Attribute List 0x55, paginated by instance
 * id) and the Template object (0x6C: the Logix STRING structure's definition), as ControlLogix
 * serves them. Program-scoped tags are listed as a real controller lists them: the controller
 * scope holds one `Program:Name` symbol per program, and the program's own tags are listed under
 * the path `Program:Name` + `@0x6B`.
 */
import { Writer } from "../cip/bytes.js"
import type { CipReply, EPath, GetAttributeListRequest, GetInstanceAttributeListRequest, ReadTemplateRequest } from "../cip/model.js"
import { ClassId, Service } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import { CipType, LOGIX_STRING_CAPACITY, LOGIX_STRING_SIZE, LOGIX_STRING_TEMPLATE, typeSpecOf } from "../cip/types.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"
import { errorReply } from "./reply.js"

/** Symbol type word of a program symbol, as Logix reports `Program:Name`. */
export const PROGRAM_SYMBOL_TYPE = 0x1068

/**
 * The symbol type word Logix uses: atomic type code in the low bits (or, for structures, bit 15
 * and the template instance id in the low 12 bits), array dimensions in bits 13-14.
 */
export const symbolType = (tag: Tag): number => {
  const t = typeSpecOf(tag.type)
  const base = t.code === CipType.STRUCT ? 0x8000 | ((t.handle ?? 0) & 0x0fff) : t.code
  return tag.scalar ? base : base | (1 << 13)
}

/** One entry of a symbol listing. */
export interface SymbolEntry {
  readonly instance: number
  readonly name: string
  readonly type: number
  readonly elementSize: number
  readonly dims: readonly [number, number, number]
}

const PROGRAM_PREFIX = /^(Program:[^.]+)\.(.+)$/i

/** Listing scopes: the controller's (key "") and one per program (key lower-cased "program:x"). */
export const makeSymbolTable = (store: TagStoreService) => {
  const scopes = new Map<string, Array<SymbolEntry>>([["", []]])
  let nextProgram = store.tags.length + 1
  const entry = (tag: Tag, name: string): SymbolEntry => ({
    instance: tag.instance, name, type: symbolType(tag), elementSize: tag.elementSize ?? 0,
    dims: tag.scalar ? [0, 0, 0] : [tag.count, 0, 0]
  })
  for (const tag of store.tags) {
    const m = PROGRAM_PREFIX.exec(tag.name)
    if (m === null) { scopes.get("")!.push(entry(tag, tag.name)); continue }
    const key = m[1]!.toLowerCase()
    if (!scopes.has(key)) {
      scopes.set(key, [])
      scopes.get("")!.push({ instance: nextProgram++, name: m[1]!, type: PROGRAM_SYMBOL_TYPE, elementSize: 0, dims: [0, 0, 0] })
    }
    scopes.get(key)!.push(entry(tag, m[2]!))
  }
  for (const list of scopes.values()) list.sort((a, b) => a.instance - b.instance)
  return scopes
}

/** Encode one requested Symbol attribute of an entry; undefined if not supported. */
const writeAttribute = (w: Writer, e: SymbolEntry, att: number): boolean => {
  switch (att) {
    case 1: w.u16(e.name.length); for (let i = 0; i < e.name.length; i++) w.u8(e.name.charCodeAt(i)); return true
    case 2: w.u16(e.type); return true
    case 3: w.u32(e.instance << 8); return true // symbol address (opaque to clients)
    case 5: w.u32(0); return true // symbol object address
    case 6: w.u32(e.type === PROGRAM_SYMBOL_TYPE ? 0 : 1 << 26); return true // software control: a base tag, not an alias
    case 7: w.u16(e.elementSize); return true
    case 8: w.u32(e.dims[0]).u32(e.dims[1]).u32(e.dims[2]); return true
    case 10: w.u8(0); return true // external access: read/write (pycomm3 asks for it from revision 18 on)
    default: return false
  }
}

/** Split `[Symbolic "Program:X"] Class 0x6B [Instance N]` into scope key and first instance. */
const symbolScope = (path: EPath): { scope: string; from: number } | undefined => {
  let i = 0
  let scope = ""
  const first = path[0]
  if (first?._tag === "Symbolic") { scope = first.name.toLowerCase(); i = 1 }
  const cls = path[i]
  if (cls?._tag !== "Class" || cls.id !== ClassId.Symbol) return undefined
  const ins = path[i + 1]
  if (ins === undefined) return { scope, from: 0 }
  if (ins._tag !== "Instance" || path.length !== i + 2) return undefined
  return { scope, from: ins.id }
}

/** Get Instance Attribute List: entries from the path's instance on, as many as fit `maxReply`. */
export const getInstanceAttributeList = (
  scopes: ReadonlyMap<string, ReadonlyArray<SymbolEntry>>,
  req: GetInstanceAttributeListRequest,
  maxReply: number
): CipReply => {
  const service = Service.GetInstanceAttributeList
  const where = symbolScope(req.path)
  if (where === undefined) return errorReply(service, Status.PathSegmentError)
  const list = scopes.get(where.scope)
  if (list === undefined) return errorReply(service, Status.PathDestinationUnknown, [0])
  if (req.attributes.length === 0) return errorReply(service, Status.NotEnoughData)
  const room = maxReply - 4
  const w = new Writer(256)
  let more = false
  for (const e of list) {
    if (e.instance < where.from) continue
    const mark = w.pos
    w.u32(e.instance)
    for (const a of req.attributes) if (!writeAttribute(w, e, a)) return errorReply(service, Status.AttributeNotSupported)
    if (w.pos > room) {
      w.pos = mark
      more = true
      break
    }
  }
  if (more && w.pos === 0) return errorReply(service, Status.ReplyDataTooLarge)
  return { _tag: "Generic", service: 0xd5, status: more ? Status.PartialTransfer : 0, extStatus: [], data: w.finish().slice() }
}

/** Attributes of one symbol instance (Get Attribute List/Single on `@0x6B/N`). */
export const symbolInstanceAttribute = (store: TagStoreService, instance: number, att: number): Uint8Array | undefined => {
  const tag = store.findInstance(instance)
  if (tag === undefined) return undefined
  const w = new Writer(16)
  const name = tag.name
  return writeAttribute(w, { instance, name, type: symbolType(tag), elementSize: tag.elementSize ?? 0, dims: tag.scalar ? [0, 0, 0] : [tag.count, 0, 0] }, att)
    ? w.finish().slice()
    : undefined
}

// ---------------------------------------------------------------------------------------------
// Template object: the Logix STRING structure (DINT LEN; SINT DATA[82]; 88 bytes)

/** A structure member as a template lists it: INFO word (array size), type word, byte offset. */
interface TemplateMember {
  readonly name: string
  readonly info: number
  readonly type: number
  readonly offset: number
}

/**
 * The bytes of a template definition as a controller stores them: the member infos (8 bytes
 * each), the structure name with its `;n` suffix (two characters per member), each member name
 * NUL-terminated, then zeros to the end of the object. Rockwell's Data Access manual sizes the
 * object as `(attribute 4 × 4) − 23` bytes of definition, and controllers answer reads up to the
 * 32-bit boundary after that (`attribute 4 × 4 − 20`), which is what pylogix asks for.
 */
const templateDefinition = (name: string, members: ReadonlyArray<TemplateMember>): { words: number; bytes: Uint8Array } => {
  const w = new Writer(128)
  for (const m of members) w.u16(m.info).u16(m.type).u32(m.offset)
  // The two characters per member after ";n" are what a 1756-L75 sends for its members (pylogix
  // reads the second's low bits as the member's external access: 1 = read/write).
  const suffix = ";n" + "EA".repeat(members.length)
  for (const text of [name + suffix, ...members.map((m) => m.name)]) {
    for (let i = 0; i < text.length; i++) w.u8(text.charCodeAt(i))
    w.u8(0)
  }
  const content = w.finish()
  const words = Math.ceil((content.length + 23) / 4)
  const bytes = new Uint8Array(words * 4 - 20)
  bytes.set(content)
  return { words, bytes }
}

const STRING_TEMPLATE = templateDefinition("ASCIISTRING82", [
  { name: "LEN", info: 0, type: CipType.DINT, offset: 0 },
  { name: "DATA", info: LOGIX_STRING_CAPACITY, type: 0x2000 | CipType.SINT, offset: 4 }
])

/** The template definition a Read Template returns (padded to the object's 32-bit boundary). */
export const STRING_TEMPLATE_DEFINITION: Uint8Array = STRING_TEMPLATE.bytes

/**
 * Template attributes: 1 handle, 2 member count, 3 (undocumented; pylogix asks for it and reads
 * two bytes), 4 definition size in 32-bit words, 5 structure size in bytes.
 */
export const templateAttribute = (instance: number, att: number): Uint8Array | undefined => {
  if (instance !== LOGIX_STRING_TEMPLATE) return undefined
  const w = new Writer(4)
  switch (att) {
    case 1: return w.u16(0x0fce).finish()
    case 2: return w.u16(2).finish()
    case 3: return w.u16(0).finish()
    case 4: return w.u32(STRING_TEMPLATE.words).finish()
    case 5: return w.u32(LOGIX_STRING_SIZE).finish()
    default: return undefined
  }
}

export const templateGetAttributeList = (req: GetAttributeListRequest, instance: number): CipReply => ({
  _tag: "GetAttributeList", service: 0x83, status: 0, extStatus: [],
  attributes: req.attributes.map((id) => {
    const data = templateAttribute(instance, id)
    return data === undefined ? { id, status: Status.AttributeNotSupported } : { id, status: 0, data }
  })
})

/**
 * Read Template (0x4C on @0x6C/instance): up to `bytes` of the definition from `offset`, status
 * 0x06 when the reply size cut it short. Asking past the end gets fewer bytes; a read starting at
 * or after the end is refused (0xFF, 0x2105), so a client that loops until it holds the size it
 * computed stops there instead of being answered "success, no data" forever.
 */
export const readTemplate = (req: ReadTemplateRequest, maxReply: number): CipReply => {
  const service = Service.ReadTemplate
  const [c, n] = req.path
  if (c?._tag !== "Class" || n?._tag !== "Instance" || req.path.length !== 2) return errorReply(service, Status.PathSegmentError)
  if (n.id !== LOGIX_STRING_TEMPLATE) return errorReply(service, Status.PathDestinationUnknown, [0])
  const def = STRING_TEMPLATE_DEFINITION
  if (req.offset >= def.length) return errorReply(service, Status.GeneralError, [ExtendedStatus.OutOfRange])
  const want = Math.min(req.bytes, def.length - req.offset)
  const room = Math.max(0, maxReply - 4)
  const n2 = Math.min(want, room)
  return {
    _tag: "ReadTemplate", service: 0xcc, status: n2 < want ? Status.PartialTransfer : 0, extStatus: [],
    data: def.slice(req.offset, req.offset + n2)
  }
}

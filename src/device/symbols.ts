/**
 * The Symbol object (0x6B: the tag list, Get Instance Attribute List 0x55, paginated by instance
 * id), as ControlLogix serves it. Program-scoped tags are listed as a real controller lists them:
 * the controller scope holds one `Program:Name` symbol per program, and the program's own tags are
 * listed under the path `Program:Name` + `@0x6B`. (The Template object is in templates.ts.)
 */
import { Writer } from "../cip/bytes.js"
import type { CipReply, EPath, GetInstanceAttributeListRequest } from "../cip/model.js"
import { ClassId, Service } from "../cip/model.js"
import { Status } from "../cip/status.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"
import { errorReply } from "./reply.js"

/** Symbol type word of a program symbol, as Logix reports `Program:Name`. */
export const PROGRAM_SYMBOL_TYPE = 0x1068

/**
 * The symbol type word Logix uses: atomic type code in the low bits (or, for structures, bit 15
 * and the template instance id in the low 12 bits), array dimensions in bits 13-14. A BOOL array
 * is listed as the DWORD array a controller stores it as (pycomm3's upload of a real BOOL[96]:
 * DWORD, dimensions [3, 0, 0]).
 */
export const symbolType = (tag: Tag): number => {
  const t = tag.element
  const base = t._tag === "Struct" ? 0x8000 | (t.layout.instance & 0x0fff)
    : t._tag === "Atomic" && t.name === "STRING" ? 0x8000 | (tag.typeSpec.handle! & 0x0fff)
    : tag.typeSpec.code
  return tag.scalar ? base : base | (1 << 13)
}

/** A tag's Symbol attribute 8: its dimensions in wire elements (a BOOL array's DWORDs). */
const dimsOf = (tag: Tag): readonly [number, number, number] => (tag.scalar ? [0, 0, 0] : [tag.wireCount, 0, 0])

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
    instance: tag.instance, name, type: symbolType(tag), elementSize: tag.elementSize ?? 0, dims: dimsOf(tag)
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
  return writeAttribute(w, { instance, name, type: symbolType(tag), elementSize: tag.elementSize ?? 0, dims: dimsOf(tag) }, att)
    ? w.finish().slice()
    : undefined
}

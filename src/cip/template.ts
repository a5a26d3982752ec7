/**
 * Reading a Template object as a client does: the definition bytes a Read Template returns
 * (member infos, then the name and member names) and the attributes Get Attribute List returns,
 * back into a StructLayout that decodes tag data by member name. Nested structures are resolved
 * through `nested` (the layout of another template instance, read first).
 */
import { Either } from "effect"
import { err } from "./bytes.js"
import type { CodecError } from "./errors.js"
import { type LayoutMember, STRING_LAYOUT, type StructLayout } from "./layout.js"
import { CipType, elementSize, LOGIX_STRING_HANDLE, typeNameOf } from "./types.js"

/** One member info of a definition: INFO word, type word, offset; and its name. */
export interface TemplateMemberInfo {
  readonly name: string
  readonly info: number
  readonly type: number
  readonly offset: number
}

/** A template's definition bytes, parsed: the structure's name (before `;`) and its members. */
export interface TemplateDefinition {
  readonly name: string
  /** The characters after `;` in the name (`nEAHA…`), empty for a predefined structure. */
  readonly suffix: string
  readonly members: ReadonlyArray<TemplateMemberInfo>
}

/** Parse Read Template bytes for a template with `memberCount` members (attribute 2). */
export const parseTemplateDefinition = (bytes: Uint8Array, memberCount: number): Either.Either<TemplateDefinition, CodecError> => {
  if (bytes.length < 8 * memberCount) return Either.left(err("Truncated", bytes.length, `template of ${memberCount} members`))
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const strings: Array<string> = []
  let p = 8 * memberCount
  while (strings.length < memberCount + 1) {
    const end = bytes.indexOf(0, p)
    if (end < 0) return Either.left(err("Truncated", p, "template names"))
    strings.push(String.fromCharCode(...bytes.subarray(p, end)))
    p = end + 1
  }
  const [head, ...names] = strings
  const semi = head!.indexOf(";")
  const members = names.map((name, i) => ({ name, info: dv.getUint16(8 * i, true), type: dv.getUint16(8 * i + 2, true), offset: dv.getUint32(8 * i + 4, true) }))
  return Either.right({ name: semi < 0 ? head! : head!.slice(0, semi), suffix: semi < 0 ? "" : head!.slice(semi + 1), members })
}

/**
 * A StructLayout from a template as a controller serves it (attributes 1 handle, 5 size, the
 * definition), for decoding its tags' data. `nested(instance)` gives the layout of a member's
 * structure type; undefined when it is not known (the member is then left out).
 */
export const layoutFromTemplate = (
  instance: number, handle: number, size: number, def: TemplateDefinition, nested: (instance: number) => StructLayout | undefined
): StructLayout => {
  if (handle === LOGIX_STRING_HANDLE) return STRING_LAYOUT
  const members: Array<LayoutMember> = []
  for (const m of def.members) {
    const array = (m.type & 0x6000) !== 0
    const dims = array ? m.info : 0
    const base = { name: m.name, hidden: m.name.startsWith("ZZZZZZZZZZ") || m.name.startsWith("__"), offset: m.offset, typeWord: m.type, info: m.info, suffix: "" }
    if (m.type & 0x8000) {
      const struct = nested(m.type & 0x0fff)
      if (struct === undefined) continue
      members.push({ ...base, kind: "struct", struct, dims, bit: 0, size: struct.size, count: Math.max(1, dims) })
    } else if ((m.type & 0xff) === CipType.BOOL && !array) {
      members.push({ ...base, kind: "bit", atomic: "BOOL", dims: 0, bit: m.info & 7, offset: m.offset + (m.info >> 3), size: 1, count: 1 })
    } else if ((m.type & 0xff) === CipType.DWORD && array) {
      members.push({ ...base, kind: "bits", atomic: "DWORD", dims: 32 * m.info, bit: 0, size: 4, count: m.info })
    } else {
      const atomic = typeNameOf({ code: m.type & 0xff })
      if (atomic === undefined || elementSize(atomic) === undefined) continue
      members.push({ ...base, kind: "atomic", atomic, dims, bit: 0, size: elementSize(atomic)!, count: Math.max(1, dims) })
    }
  }
  const by = new Map(members.map((m) => [m.name.toLowerCase(), m]))
  return { name: def.name, instance, handle, size, members, predefined: def.suffix === "", member: (n) => by.get(n.toLowerCase()) }
}

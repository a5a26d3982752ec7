/**
 * Resolving request paths: tags by symbolic name (with `Program:X.Tag` scoping and an element
 * index), by CIP attribute placement (`@cls/ins/att`), or by Symbol instance (`@0x6B/N`); and
 * plain logical `class/instance/attribute` paths for the controller's own objects.
 */
import { type ElementType, memberElement } from "../cip/element.js"
import { type LayoutMember, STRING_LAYOUT, type StructLayout } from "../cip/layout.js"
import type { EPath } from "../cip/model.js"
import { ClassId } from "../cip/model.js"
import { ExtendedStatus, Status } from "../cip/status.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"

export interface TagTarget {
  readonly tag: Tag
  /** First (wire) element addressed (0 when the path has no element segment). */
  readonly start: number
  /** A member of that structure element (`M[3].Speed`, `S.DATA[3]`), when the path names one. */
  readonly member?: MemberTarget
}

/**
 * A member (at any depth) of one structure element: where its elements are in the element's
 * bytes, what they are, and the first one addressed.
 */
export interface MemberTarget {
  /** The member's path, as events and history name it (`M[3].Faults`, `Line.Pump.Speed`). */
  readonly path: string
  /** Byte offset of the member's first element inside the tag element. */
  readonly offset: number
  /** What one member element is (a BOOL member is one bit of its host byte). */
  readonly element: ElementType
  /** Bytes of one member element (a BOOL member: its host byte). */
  readonly size: number
  /** Elements in the member (1 for a scalar; DWORDs for a BOOL array). */
  readonly count: number
  /** First member element addressed. */
  readonly index: number
}

export interface PathFailure {
  readonly status: number
  readonly extStatus: ReadonlyArray<number>
}

/** Unknown tag: as Logix controllers answer, general status 0x05 with one extended word 0. */
export const UNKNOWN_TAG: PathFailure = { status: Status.PathDestinationUnknown, extStatus: [0] }
export const MALFORMED_PATH: PathFailure = { status: Status.PathSegmentError, extStatus: [] }
const OUT_OF_RANGE: PathFailure = { status: Status.GeneralError, extStatus: [ExtendedStatus.OutOfRange] }

export const isPathFailure = (x: TagTarget | PathFailure): x is PathFailure => "status" in x

/** The structure an element of this type is, if any (a STRING has members LEN and DATA). */
const layoutOf = (t: ElementType): StructLayout | undefined =>
  t._tag === "Struct" ? t.layout : t._tag === "Atomic" && t.name === "STRING" ? STRING_LAYOUT : undefined

/**
 * Resolve a Read/Write Tag path: a tag (by name, `@cls/ins/att` placement or Symbol instance
 * `@0x6B/N`), its element, then members at any depth — by name (symbolic segments, as most
 * clients send) or by member id (a logical 0x28 segment where a structure, not an array, is
 * addressed: the member's place in the template) — each with an optional array index.
 */
export const resolveTag = (store: TagStoreService, path: EPath): TagTarget | PathFailure => {
  if (path.length === 0) return MALFORMED_PATH
  let i = 0
  let tag: Tag | undefined
  const first = path[0]!
  if (first._tag === "Symbolic") {
    let name = first.name
    i = 1
    while (i < path.length && path[i]!._tag === "Symbolic") {
      name += "." + (path[i] as { readonly name: string }).name
      i++
    }
    tag = store.find(name)
    // Not a whole tag name: a shorter prefix may be the tag and the rest members (`M.Speed`).
    while (tag === undefined && i > 1) {
      i--
      name = name.slice(0, name.lastIndexOf("."))
      tag = store.find(name)
    }
    if (tag === undefined) return UNKNOWN_TAG
  } else if (first._tag === "Class") {
    const ins = path[1]
    if (ins?._tag !== "Instance") return MALFORMED_PATH
    const att = path[2]
    if (first.id === ClassId.Symbol && att?._tag !== "Attribute") {
      tag = store.findInstance(ins.id)
      i = 2
    } else {
      if (att?._tag !== "Attribute") return UNKNOWN_TAG
      tag = store.findPlacement(first.id, ins.id, att.id)
      i = 3
    }
    if (tag === undefined) return UNKNOWN_TAG
  } else {
    return MALFORMED_PATH
  }
  let start = 0
  const el = path[i]
  if (el?._tag === "Element") {
    start = el.index
    i++
  }
  if (i === path.length) return { tag, start }
  let layout = layoutOf(tag.element)
  if (layout === undefined) return path[i]!._tag === "Symbolic" || path[i]!._tag === "Element" ? UNKNOWN_TAG : MALFORMED_PATH
  let name = tag.scalar ? tag.name : `${tag.name}[${start}]`
  let base = 0
  let member: MemberTarget | undefined
  while (i < path.length) {
    const seg = path[i]!
    let m: LayoutMember | undefined
    if (seg._tag === "Symbolic") m = layout.member(seg.name)
    else if (seg._tag === "Element") m = layout.members[seg.index]
    else return MALFORMED_PATH
    if (m === undefined) return UNKNOWN_TAG
    i++
    let index = 0
    const idx = path[i]
    if (idx?._tag === "Element" && m.dims > 0) {
      index = idx.index
      i++
    }
    member = { path: `${name}.${m.name}`, offset: base + m.offset, element: memberElement(m), size: m.size, count: m.count, index }
    name = `${name}.${m.name}${m.dims > 0 && index !== 0 ? `[${index}]` : m.dims > 0 ? "[0]" : ""}`
    if (i < path.length) {
      // Deeper: into one element of a nested structure (or STRING).
      layout = layoutOf(member.element)
      if (layout === undefined) return path[i]!._tag === "Symbolic" || path[i]!._tag === "Element" ? UNKNOWN_TAG : MALFORMED_PATH
      if (index >= m.count) return OUT_OF_RANGE
      base = member.offset + index * m.size
      member = undefined
    }
  }
  return member === undefined ? MALFORMED_PATH : { tag, start, member }
}

/** A logical path `class[/instance[/attribute]]` (nothing else), or undefined. */
export interface LogicalPath {
  readonly cls: number
  readonly ins: number | undefined
  readonly att: number | undefined
}

export const logicalPath = (path: EPath): LogicalPath | undefined => {
  const [c, n, a] = path
  if (c?._tag !== "Class") return undefined
  if (path.length === 1) return { cls: c.id, ins: undefined, att: undefined }
  if (n?._tag !== "Instance") return undefined
  if (path.length === 2) return { cls: c.id, ins: n.id, att: undefined }
  if (a?._tag !== "Attribute" || path.length !== 3) return undefined
  return { cls: c.id, ins: n.id, att: a.id }
}

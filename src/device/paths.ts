/**
 * Resolving request paths: tags by symbolic name (with `Program:X.Tag` scoping and an element
 * index), by CIP attribute placement (`@cls/ins/att`), or by Symbol instance (`@0x6B/N`); and
 * plain logical `class/instance/attribute` paths for the controller's own objects.
 */
import type { EPath } from "../cip/model.js"
import { ClassId } from "../cip/model.js"
import { Status } from "../cip/status.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"

export interface TagTarget {
  readonly tag: Tag
  /** First element addressed (0 when the path has no element segment). */
  readonly start: number
  /** A member of a structure element (`S.LEN`, `S.DATA[3]`), when the path names one. */
  readonly member?: MemberTarget
}

/** A member of a Logix STRING element: its byte offset, atomic type, length and first index. */
export interface MemberTarget {
  readonly name: "LEN" | "DATA"
  readonly type: "DINT" | "SINT"
  /** Byte offset of the member inside the element. */
  readonly offset: number
  /** Elements in the member (1 for LEN, 82 for DATA). */
  readonly count: number
  /** First member element addressed. */
  readonly index: number
}

const STRING_MEMBERS: Record<string, Omit<MemberTarget, "index">> = {
  len: { name: "LEN", type: "DINT", offset: 0, count: 1 },
  data: { name: "DATA", type: "SINT", offset: 4, count: 82 }
}

export interface PathFailure {
  readonly status: number
  readonly extStatus: ReadonlyArray<number>
}

/** Unknown tag: as Logix controllers answer, general status 0x05 with one extended word 0. */
export const UNKNOWN_TAG: PathFailure = { status: Status.PathDestinationUnknown, extStatus: [0] }
export const MALFORMED_PATH: PathFailure = { status: Status.PathSegmentError, extStatus: [] }

export const isPathFailure = (x: TagTarget | PathFailure): x is PathFailure => "status" in x

/** Resolve a Read/Write Tag path to a tag and element index. */
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
    // Not a whole tag name: a shorter prefix may be the tag and the rest a member (`S.LEN`).
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
  const m = path[i]!
  if (m._tag !== "Symbolic") return m._tag === "Element" ? UNKNOWN_TAG : MALFORMED_PATH
  const member = tag.type === "STRING" ? STRING_MEMBERS[m.name.toLowerCase()] : undefined
  if (member === undefined) return UNKNOWN_TAG
  i++
  let index = 0
  if (i < path.length) {
    const el = path[i]!
    if (el._tag !== "Element" || member.count === 1) return el._tag === "Element" ? UNKNOWN_TAG : MALFORMED_PATH
    index = el.index
    i++
  }
  if (i < path.length) return path[i]!._tag === "Symbolic" ? UNKNOWN_TAG : MALFORMED_PATH
  return { tag, start, member: { ...member, index } }
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

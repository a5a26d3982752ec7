/**
 * The customization hook: a tag's storage is an `Attribute` (read a range of elements, write a
 * range of elements, both Effects). The default is an in-memory typed buffer with a synchronous
 * fast path (`sync`) that the controller uses to answer without an Effect per request.
 *
 * Which Attribute backs a tag is decided by the `AttributeFactory` service, consulted once per
 * tag when the TagStore is built; provide `AttributeFactory.layer(...)` to back chosen tags by a
 * file, a computation or another service.
 */
import { Context, Data, Effect, Either, Layer } from "effect"
import { atomic, decodeElements, type ElementType, encodeInto, perElement, wireSize } from "../cip/element.js"
import type { CipValue, TypeName } from "../cip/types.js"
import { decodeValues, encodeValues } from "../cip/types.js"
import type { TagSpec } from "./spec.js"

/**
 * A failure of an Attribute's read or write, carried to the client as this CIP status
 * (general status plus optional extended status words).
 */
export class AttributeError extends Data.TaggedError("AttributeError")<{
  readonly status: number
  readonly extStatus: ReadonlyArray<number>
  readonly message: string
}> {}

/**
 * Synchronous access to an Attribute's storage, in raw little-endian CIP bytes and in values.
 * The TagStore checks bounds before calling; implementations may assume
 * `0 <= start && start + count <= attribute.count`.
 *
 * The byte methods count elements on the wire, the value methods count values: they differ only
 * for a BOOL array, whose wire element is a DWORD of 32 BOOL values.
 */
export interface SyncAttribute {
  /** A fresh copy of the encoded wire elements `[start, start + count)`. */
  readonly unsafeReadBytes: (start: number, count: number) => Uint8Array
  /**
   * The encoded wire elements `[start, start + count)` as a view of the stored bytes (no copy),
   * when they are stored encoded: valid only until the next write to the tag.
   */
  readonly unsafeViewBytes?: (start: number, count: number) => Uint8Array
  /** Overwrite whole wire elements from `start` with encoded bytes (already validated). */
  readonly unsafeWriteBytes: (start: number, bytes: Uint8Array) => void
  readonly unsafeRead: (start: number, count: number) => Array<CipValue>
  /** Write values from `start` (a structure value names the members it changes). */
  readonly unsafeWrite: (start: number, values: ReadonlyArray<CipValue>) => void
}

/**
 * Storage and behaviour of one tag. Values are as the TagStore reads them: atomic values, BOOLs
 * (one per element of a BOOL array), structure elements as objects of members.
 */
export interface Attribute {
  /** The tag's type name (`INT`, `BOOL`, `Motor`). */
  readonly type: string
  /** Number of values (for a BOOL array, its BOOLs). */
  readonly count: number
  readonly read: (start: number, count: number) => Effect.Effect<ReadonlyArray<CipValue>, AttributeError>
  readonly write: (start: number, values: ReadonlyArray<CipValue>) => Effect.Effect<void, AttributeError>
  /** Present when the attribute can be served synchronously (the in-memory default). */
  readonly sync?: SyncAttribute
}

/**
 * The default Attribute: elements in one zero-initialised byte buffer (a list for SSTRING). `count`
 * counts values: for a BOOL array (`{ _tag: "Bits" }`) the BOOLs, stored 32 to a DWORD.
 */
export const memoryAttribute = (type: TypeName | ElementType, count: number): Attribute => {
  const element = typeof type === "string" ? atomic(type) : type
  const size = wireSize(element)
  const per = perElement(element)
  const label = typeof type === "string" ? type : element._tag === "Struct" ? element.layout.name : element._tag === "Atomic" ? element.name : "BOOL"
  let sync: SyncAttribute
  if (size !== undefined) {
    const buf = new Uint8Array(size * Math.ceil(count / per))
    sync = {
      unsafeReadBytes: (start, n) => buf.slice(start * size, (start + n) * size),
      unsafeViewBytes: (start, n) => buf.subarray(start * size, (start + n) * size),
      unsafeWriteBytes: (start, bytes) => buf.set(bytes, start * size),
      unsafeRead: (start, n) => {
        if (per > 1) {
          const first = Math.floor(start / per)
          const words = decodeElements(element, buf.subarray(first * size), Math.ceil((start + n) / per) - first)
          return Either.isRight(words) ? words.right.slice(start - first * per, start - first * per + n) : []
        }
        const r = decodeElements(element, buf.subarray(start * size, (start + n) * size), n)
        // Only a corrupt Logix STRING LEN can fail; it is served as an empty string.
        return r._tag === "Right" ? r.right : Array.from({ length: n }, () => "")
      },
      unsafeWrite: (start, values) => {
        if (element._tag === "Atomic") { buf.set(encodeValues(element.name, values), start * size); return }
        if (per > 1) {
          // BOOLs from `start`: set or clear each bit in place.
          values.forEach((v, i) => {
            const bit = start + i
            buf[bit >> 3] = v === true || v === 1 ? buf[bit >> 3]! | (1 << (bit & 7)) : buf[bit >> 3]! & ~(1 << (bit & 7))
          })
          return
        }
        // Structures: the members each value names replace theirs (the TagStore checked them).
        const why = encodeInto(element, values, buf.subarray(start * size, (start + values.length) * size))
        if (why !== undefined) throw new Error(why)
      }
    }
  } else {
    // SSTRING: variable-length elements, kept as strings.
    const items: Array<string> = Array.from({ length: count }, () => "")
    sync = {
      unsafeReadBytes: (start, n) => encodeValues("SSTRING", items.slice(start, start + n)),
      unsafeWriteBytes: (start, bytes) => {
        // The TagStore hands over exactly the elements written; anything else is a bug, and must
        // fail the request rather than leave the old value behind a success reply.
        const r = decodeValues("SSTRING", bytes)
        if (r._tag === "Left" || start + r.right.length > count) throw new Error(`SSTRING: undecodable write of ${bytes.length} bytes at ${start}`)
        r.right.forEach((v, i) => { items[start + i] = String(v) })
      },
      unsafeRead: (start, n) => items.slice(start, start + n),
      unsafeWrite: (start, values) => values.forEach((v, i) => { items[start + i] = String(v).slice(0, 255) })
    }
  }
  return {
    type: label,
    count,
    read: (start, n) => Effect.sync(() => sync.unsafeRead(start, n)),
    write: (start, values) => Effect.sync(() => sync.unsafeWrite(start, values)),
    sync
  }
}

/**
 * Chooses the Attribute for each tag when the TagStore is built. Without this service in the
 * context, every tag is in memory.
 */
export class AttributeFactory extends Context.Tag("cpppo/AttributeFactory")<
  AttributeFactory,
  {
    /**
     * The Attribute of a tag: `element` is what one element is (an atomic type, a structure, BOOLs
     * packed in DWORDs) and `count` how many values the tag holds (a BOOL array's, rounded up to 32).
     */
    readonly make: (spec: TagSpec, element: ElementType, count: number) => Effect.Effect<Attribute, AttributeError>
  }
>() {
  /**
   * A factory that asks `custom` first and falls back to memory when it returns undefined, e.g.
   * `AttributeFactory.layer((s) => s.name === "CLOCK" ? clockAttribute : undefined)`.
   */
  static layer = (
    custom: (spec: TagSpec) => Attribute | Effect.Effect<Attribute, AttributeError> | undefined
  ): Layer.Layer<AttributeFactory> =>
    Layer.succeed(AttributeFactory, {
      make: (spec, element, count) => {
        const a = custom(spec)
        if (a === undefined) return Effect.succeed(memoryAttribute(element, count))
        return Effect.isEffect(a) ? a : Effect.succeed(a)
      }
    })

  /** The default: every tag in memory. */
  static memory: Layer.Layer<AttributeFactory> = Layer.succeed(AttributeFactory, {
    make: (_spec, element, count) => Effect.succeed(memoryAttribute(element, count))
  })
}

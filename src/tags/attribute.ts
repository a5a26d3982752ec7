/**
 * The customization hook: a tag's storage is an `Attribute` (read a range of elements, write a
 * range of elements, both Effects). The default is an in-memory typed buffer with a synchronous
 * fast path (`sync`) that the controller uses to answer without an Effect per request.
 *
 * Which Attribute backs a tag is decided by the `AttributeFactory` service, consulted once per
 * tag when the TagStore is built; provide `AttributeFactory.layer(...)` to back chosen tags by a
 * file, a computation or another service.
 */
import { Context, Data, Effect, Layer } from "effect"
import type { CipValue, TypeName } from "../cip/types.js"
import { decodeValues, elementSize, encodeValues } from "../cip/types.js"
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
 */
export interface SyncAttribute {
  /** A fresh copy of the encoded elements `[start, start + count)`. */
  readonly unsafeReadBytes: (start: number, count: number) => Uint8Array
  /** Overwrite whole elements from `start` with encoded bytes (already validated). */
  readonly unsafeWriteBytes: (start: number, bytes: Uint8Array) => void
  readonly unsafeRead: (start: number, count: number) => Array<CipValue>
  readonly unsafeWrite: (start: number, values: ReadonlyArray<CipValue>) => void
}

/** Storage and behaviour of one tag. */
export interface Attribute {
  readonly type: TypeName
  /** Number of elements. */
  readonly count: number
  readonly read: (start: number, count: number) => Effect.Effect<ReadonlyArray<CipValue>, AttributeError>
  readonly write: (start: number, values: ReadonlyArray<CipValue>) => Effect.Effect<void, AttributeError>
  /** Present when the attribute can be served synchronously (the in-memory default). */
  readonly sync?: SyncAttribute
}

/** The default Attribute: elements in one zero-initialised byte buffer (a list for SSTRING). */
export const memoryAttribute = (type: TypeName, count: number): Attribute => {
  const size = elementSize(type)
  let sync: SyncAttribute
  if (size !== undefined) {
    const buf = new Uint8Array(size * count)
    sync = {
      unsafeReadBytes: (start, n) => buf.slice(start * size, (start + n) * size),
      unsafeWriteBytes: (start, bytes) => buf.set(bytes, start * size),
      unsafeRead: (start, n) => {
        const r = decodeValues(type, buf.subarray(start * size, (start + n) * size), n)
        // Only a corrupt Logix STRING LEN can fail; it is served as an empty string.
        return r._tag === "Right" ? r.right : Array.from({ length: n }, () => "")
      },
      unsafeWrite: (start, values) => buf.set(encodeValues(type, values), start * size)
    }
  } else {
    const items: Array<string> = Array.from({ length: count }, () => "")
    sync = {
      unsafeReadBytes: (start, n) => encodeValues(type, items.slice(start, start + n)),
      unsafeWriteBytes: (start, bytes) => {
        // The TagStore hands over exactly the elements written; anything else is a bug, and must
        // fail the request rather than leave the old value behind a success reply.
        const r = decodeValues(type, bytes)
        if (r._tag === "Left" || start + r.right.length > count) throw new Error(`${type}: undecodable write of ${bytes.length} bytes at ${start}`)
        r.right.forEach((v, i) => { items[start + i] = String(v) })
      },
      unsafeRead: (start, n) => items.slice(start, start + n),
      unsafeWrite: (start, values) => values.forEach((v, i) => { items[start + i] = String(v).slice(0, 255) })
    }
  }
  return {
    type,
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
  { readonly make: (spec: TagSpec) => Effect.Effect<Attribute, AttributeError> }
>() {
  /**
   * A factory that asks `custom` first and falls back to memory when it returns undefined, e.g.
   * `AttributeFactory.layer((s) => s.name === "CLOCK" ? clockAttribute : undefined)`.
   */
  static layer = (
    custom: (spec: TagSpec) => Attribute | Effect.Effect<Attribute, AttributeError> | undefined
  ): Layer.Layer<AttributeFactory> =>
    Layer.succeed(AttributeFactory, {
      make: (spec) => {
        const a = custom(spec)
        if (a === undefined) return Effect.succeed(memoryAttribute(spec.type, spec.count))
        return Effect.isEffect(a) ? a : Effect.succeed(a)
      }
    })

  /** The default: every tag in memory. */
  static memory: Layer.Layer<AttributeFactory> = Layer.succeed(AttributeFactory, {
    make: (spec) => Effect.succeed(memoryAttribute(spec.type, spec.count))
  })
}

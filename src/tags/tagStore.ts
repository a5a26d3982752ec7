/**
 * The TagStore service: the configured tags, element access with bounds checks, atomic
 * multi-element writes, per-tag forced errors, and the event PubSub.
 *
 * Two faces:
 * - the byte-level operations the controller calls per request (`readBytes`, `writeBytes`,
 *   `updateBytes`), which return a plain value when the tag's Attribute is synchronous and an
 *   Effect only when it is not — so the server's per-request path stays synchronous;
 * - value-level Effects (`read`, `write`, `setError`) for the web API, tests and library users.
 */
import { Context, Data, Effect, Either, Layer, Option, PubSub, type Queue, type Scope, Stream } from "effect"
import {
  decodeElements, elementProblem, type ElementType, encodeElements, encodeInto, perElement, typeLabel, wireSize, wireType
} from "../cip/element.js"
import { BUILTIN_TYPES, buildTypes, type TypeRegistry } from "../cip/layout.js"
import type { CipValue, TypeSpec } from "../cip/types.js"
import { decodeValues, encodedLength, LOGIX_STRING_CAPACITY, LOGIX_STRING_SIZE } from "../cip/types.js"
import { decodeUdtDefinition, type UdtDefinition } from "../cip/udt.js"
import { describeStatus, ExtendedStatus, Status } from "../cip/status.js"
import { type Attribute, AttributeError, AttributeFactory, memoryAttribute } from "./attribute.js"
import type { TagEvent } from "./events.js"
import { elementOf, MAX_ELEMENTS, parseTagSpecs, type TagSpec, TagSpecError } from "./spec.js"

/** A forced (fault-injection) CIP status returned for every access to a tag. */
export interface ForcedError {
  readonly status: number
  readonly extStatus?: ReadonlyArray<number>
}

/** A failed tag access, with the CIP status a controller answers it with. */
export class TagError extends Data.TaggedError("TagError")<{
  readonly name: string
  readonly reason: "NotFound" | "OutOfRange" | "TypeMismatch" | "BadData" | "Forced" | "Attribute"
  readonly status: number
  readonly extStatus: ReadonlyArray<number>
  readonly message: string
}> {}

/**
 * One configured tag. `error` is the forced error, settable at run time.
 *
 * Values and wire elements: a tag holds `count` values; on the wire it is `wireCount` elements
 * of `elementSize` bytes. They differ only for a BOOL array, whose wire element is a DWORD of 32
 * BOOLs (`count` is then a multiple of 32), as a controller stores it.
 */
export interface Tag {
  readonly name: string
  readonly spec: TagSpec
  /** The type's name: `INT`, `STRING`, `BOOL` (also for a BOOL array), or a structure's (`Motor`). */
  readonly type: string
  /** What one wire element is (atomic, structure, packed BOOLs). */
  readonly element: ElementType
  /** Number of values. */
  readonly count: number
  readonly scalar: boolean
  /** Symbol object (0x6B) instance id: 1-based creation order. */
  readonly instance: number
  /** The type as carried in Read/Write Tag (structures: 0x02A0 + handle; BOOL arrays: DWORD). */
  readonly typeSpec: TypeSpec
  /** Fixed encoded wire element size in bytes; undefined for SSTRING. */
  readonly elementSize: number | undefined
  /** Number of wire elements. */
  readonly wireCount: number
  readonly attribute: Attribute
  error: ForcedError | undefined
}

/**
 * The part of one element an access names (a structure member: `M[3].Speed`), so its events carry
 * the member's path and values instead of the whole element's.
 */
export interface AccessView {
  /** The path events name (`M[3].Speed`, `M[3].Faults`). */
  readonly name: string
  /** The part's type as users write it (`REAL`, `BOOL`, `Motor`). */
  readonly type: string
  /** First value of the part (an index into a member array), and how many. */
  readonly start: number
  readonly count: number
  /** The part's values, from the bytes of the element(s) accessed. */
  readonly values: (bytes: Uint8Array) => ReadonlyArray<CipValue>
}

/** A synchronous listener to tag events (see `TagStoreService.addSink`). */
export type TagSink = (event: TagEvent) => void

export interface SinkOptions {
  /** True while the sink is behind and the accesses should slow down (back-pressure). */
  readonly congested?: () => boolean
}

/** A synchronous answer, a failure as a value, or an Effect when an Attribute is asynchronous. */
export type Outcome<A> = A | TagError | Effect.Effect<A, TagError>

export interface TagStoreOptions {
  /** Events kept per slow subscriber before the oldest are dropped (default 65536). */
  readonly eventCapacity?: number
  /** Structure definitions (text or object) the tag specs may use, in order. */
  readonly udts?: ReadonlyArray<UdtDefinition | string>
}

const lower = (s: string) => s.toLowerCase()
const placementKey = (cls: number, ins: number, att: number) => `${cls}/${ins}/${att}`


/** Build the store's operations over already-created tags. */
const makeOps = (tags: ReadonlyArray<Tag>, eventCapacity: number, types: TypeRegistry) => {
  // Created on the first subscription: its buffer is allocated up front (8 bytes × capacity),
  // which a fleet of hundreds of controllers nobody watches should not pay for.
  let pubsub: PubSub.PubSub<TagEvent> | undefined
  const byName = new Map<string, Tag>()
  const byPlacement = new Map<string, Tag>()
  for (const t of tags) {
    byName.set(lower(t.name), t)
    byName.set(t.name, t) // exact spelling: found without folding case
    if (t.spec.placement) byPlacement.set(placementKey(t.spec.placement.cls, t.spec.placement.ins, t.spec.placement.att), t)
  }
  let subscribers = 0
  let sinks: ReadonlyArray<TagSink> = []
  let behind: ReadonlyArray<() => boolean> = []
  /** Someone listens: events are built only then (free otherwise). */
  let listening = false
  const relisten = () => { listening = subscribers > 0 || sinks.length > 0 }

  // Sinks first, in the same turn as the access (nothing between the access and the record of it
  // can drop it); then the PubSub, whose effectful offer drops the OLDEST event when a slow
  // subscriber's buffer is full (unsafeOffer would drop the new one).
  const publish = (e: TagEvent) => {
    for (const sink of sinks) {
      try { sink(e) } catch { /* a sink must not throw; one that does must not break the access */ }
    }
    if (subscribers > 0 && pubsub !== undefined) Effect.runSync(PubSub.publish(pubsub, e))
  }
  /** The event of an access to wire elements `[start, start+count)` (or to a part of them). */
  const access = (tag: Tag, kind: "read" | "write", start: number, count: number, bytes: Uint8Array, view?: AccessView): TagEvent => {
    const per = perElement(tag.element)
    return view !== undefined
      ? { name: view.name, type: view.type, kind, start: view.start, count: view.count, values: view.values(bytes), at: Date.now() }
      : { name: tag.name, type: tag.type, kind, start: start * per, count: count * per, values: values(tag, bytes, count), at: Date.now() }
  }
  const fail = (tag: Tag, start: number, count: number, err: TagError, view?: AccessView): TagError => {
    if (listening) {
      const per = perElement(tag.element)
      publish(view !== undefined
        ? { name: view.name, type: view.type, kind: "error", start: view.start, count: view.count, error: err.message, at: Date.now() }
        : { name: tag.name, type: tag.type, kind: "error", start: start * per, count: count * per, error: err.message, at: Date.now() })
    }
    return err
  }
  const statusError = (tag: Tag, reason: TagError["reason"], status: number, ext: ReadonlyArray<number>, what?: string) =>
    new TagError({ name: tag.name, reason, status, extStatus: ext, message: `${tag.name}: ${what ?? describeStatus(status, ext)}` })
  /** The values of `count` wire elements. */
  const values = (tag: Tag, bytes: Uint8Array, count: number): ReadonlyArray<CipValue> => {
    const r = decodeElements(tag.element, bytes, count)
    return r._tag === "Right" ? r.right : []
  }
  /** Bytes of wire elements from the values an asynchronous Attribute gives. */
  const encoded = (tag: Tag, vals: ReadonlyArray<CipValue>): Uint8Array | TagError => {
    const r = encodeElements(tag.element, vals)
    return Either.isRight(r) ? r.right : statusError(tag, "Attribute", Status.GeneralError, [], `its Attribute read ${r.left.message}`)
  }

  /** Forced error or bounds failure for wire elements `[start, start+count)`, else undefined. */
  const check = (tag: Tag, start: number, count: number, view?: AccessView): TagError | undefined => {
    if (tag.error !== undefined) {
      return fail(tag, start, count, statusError(tag, "Forced", tag.error.status, tag.error.extStatus ?? []), view)
    }
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > tag.wireCount) {
      return fail(tag, start, count, statusError(tag, "OutOfRange", Status.GeneralError, [ExtendedStatus.OutOfRange],
        `${tag.name}[${start}${count > 1 ? `-${start + count - 1}` : ""}] is outside 0..${tag.wireCount - 1}`), view)
    }
    return undefined
  }
  /**
   * As `readBytes`, but the bytes may be a view of the tag's stored bytes rather than a copy (when
   * its Attribute stores them encoded, and no one listens: then it is `readBytes`, which publishes
   * the read): the caller must encode them before anything else runs, so before any write can
   * change them. A 2000-byte read then costs no allocation (an off-heap backing store each).
   */
  const viewBytes = (tag: Tag, start: number, count: number): Outcome<Uint8Array> => {
    const viewOf = tag.attribute.sync?.unsafeViewBytes
    if (viewOf === undefined || listening) return readBytes(tag, start, count)
    const bad = check(tag, start, count)
    return bad ?? viewOf(start, count)
  }
  const fromAttributeError = (tag: Tag, start: number, count: number, view?: AccessView) => (e: AttributeError) =>
    Effect.fail(fail(tag, start, count, statusError(tag, "Attribute", e.status, e.extStatus, e.message), view))

  /** Encoded wire elements `[start, start+count)`; `view` names the part an access reads. */
  const readBytes = (tag: Tag, start: number, count: number, view?: AccessView): Outcome<Uint8Array> => {
    const bad = check(tag, start, count, view)
    if (bad) return bad
    const sync = tag.attribute.sync
    if (sync) {
      const bytes = sync.unsafeReadBytes(start, count)
      if (listening) publish(access(tag, "read", start, count, bytes, view))
      return bytes
    }
    const per = perElement(tag.element)
    return tag.attribute.read(start * per, count * per).pipe(
      Effect.catchAll(fromAttributeError(tag, start, count, view)),
      Effect.flatMap((vals) => {
        const bytes = encoded(tag, vals)
        if (bytes instanceof TagError) return Effect.fail(fail(tag, start, count, bytes, view))
        if (listening) publish(access(tag, "read", start, count, bytes, view))
        return Effect.succeed(bytes)
      })
    )
  }

  /**
   * A Logix STRING whose LEN is outside 0..82 is refused (0x09, invalid attribute value), whether it
   * comes whole or as a write to `.LEN`: stored, it would make every later read of the tag fail.
   */
  const badStringLength = (tag: Tag, start: number, count: number, bytes: Uint8Array): TagError | undefined => {
    if (tag.type !== "STRING") return undefined
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    for (let i = 0; i < count; i++) {
      const len = dv.getInt32(i * LOGIX_STRING_SIZE, true)
      if (len < 0 || len > LOGIX_STRING_CAPACITY) {
        return fail(tag, start, count, statusError(tag, "BadData", Status.InvalidAttributeValue, [],
          `${tag.name}[${start + i}].LEN ${len} is outside 0..${LOGIX_STRING_CAPACITY}`))
      }
    }
    return undefined
  }

  /** Replace wire elements from `start` with encoded `bytes` (whole elements; atomic). */
  const writeBytes = (tag: Tag, start: number, count: number, bytes: Uint8Array, view?: AccessView): Outcome<void> => {
    const bad = check(tag, start, count, view)
    if (bad) return bad
    // The bytes must hold exactly `count` elements: an attribute given more could store elements
    // nobody asked for, or (SSTRING) decode garbage, and the write would be reported done.
    const size = tag.elementSize
    const decoded = size === undefined ? decodeValues("SSTRING", bytes, count) : undefined
    const length = tag.element._tag === "Atomic" ? encodedLength(tag.element.name, bytes, count) : size! * count
    if (bytes.length !== length || (decoded !== undefined && decoded._tag === "Left")) {
      return fail(tag, start, count, statusError(tag, "BadData", Status.GeneralError, [ExtendedStatus.LengthMismatch],
        `${bytes.length} bytes do not hold ${count} ${tag.type} elements`), view)
    }
    const badLen = badStringLength(tag, start, count, bytes)
    if (badLen) return badLen
    const sync = tag.attribute.sync
    if (sync) {
      sync.unsafeWriteBytes(start, bytes)
      if (listening) publish(access(tag, "write", start, count, bytes, view))
      return undefined
    }
    const per = perElement(tag.element)
    const vals = decoded?._tag === "Right" ? decoded.right : values(tag, bytes, count)
    return tag.attribute.write(start * per, vals).pipe(
      Effect.catchAll(fromAttributeError(tag, start, count, view)),
      Effect.tap(() => { if (listening) publish(access(tag, "write", start, count, bytes, view)) })
    )
  }

  /**
   * Read wire elements `[start, start+count)`, transform their bytes with `f` (same length, or a
   * TagError), write them back: Read-Modify-Write, member writes and partial (fragmented) writes.
   * Synchronous attributes do this without interleaving; asynchronous ones read then write.
   */
  const updateBytes = (
    tag: Tag, start: number, count: number, f: (old: Uint8Array) => Uint8Array | TagError, view?: AccessView
  ): Outcome<void> => {
    const bad = check(tag, start, count, view)
    if (bad) return bad
    const sync = tag.attribute.sync
    if (sync) {
      const next = f(sync.unsafeReadBytes(start, count))
      if (next instanceof TagError) return fail(tag, start, count, next, view)
      return writeBytes(tag, start, count, next, view)
    }
    const per = perElement(tag.element)
    return Effect.flatMap(
      tag.attribute.read(start * per, count * per).pipe(Effect.catchAll(fromAttributeError(tag, start, count, view))),
      (vals) => {
        const old = encoded(tag, vals)
        const next = old instanceof TagError ? old : f(old)
        if (next instanceof TagError) return Effect.fail(fail(tag, start, count, next, view))
        const w = writeBytes(tag, start, count, next, view)
        return w instanceof TagError ? Effect.fail(w) : Effect.isEffect(w) ? w : Effect.void
      }
    )
  }

  const find = (name: string): Tag | undefined => byName.get(name) ?? byName.get(lower(name))
  const need = (name: string): Effect.Effect<Tag, TagError> => {
    const t = find(name)
    return t !== undefined
      ? Effect.succeed(t)
      : Effect.fail(new TagError({ name, reason: "NotFound", status: Status.PathDestinationUnknown, extStatus: [0], message: `no tag named ${name}` }))
  }
  const lift = <A>(o: Outcome<A>): Effect.Effect<A, TagError> =>
    o instanceof TagError ? Effect.fail(o) : Effect.isEffect(o) ? (o as Effect.Effect<A, TagError>) : Effect.succeed(o)

  const checkValues = (tag: Tag, vals: ReadonlyArray<CipValue>): TagError | undefined => {
    const t = tag.element
    const want = t._tag === "Struct" ? ["object"]
      : t._tag !== "Atomic" ? ["boolean", "number"]
      : t.name === "LINT" || t.name === "ULINT" ? ["bigint", "number"]
      : t.name === "STRING" || t.name === "SSTRING" ? ["string"]
      : t.name === "BOOL" ? ["boolean", "number"] : ["number"]
    const badIdx = vals.findIndex((v) => !want.includes(typeof v) || (typeof v === "number" && Number.isNaN(v)))
    if (badIdx >= 0) {
      return statusError(tag, "TypeMismatch", Status.GeneralError, [ExtendedStatus.TypeMismatch], `value ${String(vals[badIdx])} is not a ${tag.type}`)
    }
    // A value the type cannot hold would be stored changed (wrapped, cut short) and reported written.
    for (const v of vals) {
      const why = elementProblem(t, v)
      if (why !== undefined) return statusError(tag, "BadData", Status.InvalidAttributeValue, [], `value ${JSON.stringify(typeof v === "object" ? v : String(v))} is not a ${tag.type} (${why})`)
    }
    return undefined
  }

  /** For a BOOL array, values `[start, start+count)` outside the tag (or a forced error), else undefined. */
  const checkRange = (tag: Tag, start: number, count: number): TagError | undefined => {
    if (tag.error !== undefined || perElement(tag.element) === 1) return check(tag, tag.error !== undefined ? 0 : start, tag.error !== undefined ? 1 : count)
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > tag.count) {
      return fail(tag, 0, 1, statusError(tag, "OutOfRange", Status.GeneralError, [ExtendedStatus.OutOfRange],
        `${tag.name}[${start}${count > 1 ? `-${start + count - 1}` : ""}] is outside 0..${tag.count - 1}`))
    }
    return undefined
  }

  /** Wire elements covering values `[start, start+count)` (a BOOL array's DWORDs). */
  const covering = (tag: Tag, start: number, count: number) => {
    const per = perElement(tag.element)
    const first = Math.floor(start / per)
    return { first, n: Math.max(1, Math.ceil((start + count) / per) - first), skip: start - first * per }
  }

  return {
    tags,
    types,
    find,
    findPlacement: (cls: number, ins: number, att: number): Tag | undefined => byPlacement.get(placementKey(cls, ins, att)),
    findInstance: (id: number): Tag | undefined => (Number.isInteger(id) && id >= 1 && id <= tags.length ? tags[id - 1] : undefined),
    readBytes,
    viewBytes,
    writeBytes,
    updateBytes,
    /** Values `[start, start+count)` (a BOOL array's BOOLs; structure elements as objects). */
    read: (name: string, start = 0, count?: number): Effect.Effect<ReadonlyArray<CipValue>, TagError> =>
      Effect.flatMap(need(name), (tag) => {
        const n = count ?? tag.count - start
        const bad = checkRange(tag, start, n)
        if (bad) return Effect.fail(bad)
        const { first, n: words, skip } = covering(tag, start, n)
        return Effect.map(lift(readBytes(tag, first, words)), (b) => values(tag, b, words).slice(skip, skip + n))
      }),
    /** Write values from `start`; a structure value changes the members it names. */
    write: (name: string, start: number, vals: ReadonlyArray<CipValue>): Effect.Effect<void, TagError> =>
      Effect.flatMap(need(name), (tag) => {
        const bad = checkValues(tag, vals)
        if (bad) return Effect.fail(fail(tag, start, vals.length, bad))
        const t = tag.element
        if (t._tag === "Atomic") {
          const bytes = encodeElements(t, vals)
          return Either.isLeft(bytes) ? Effect.fail(statusError(tag, "BadData", Status.InvalidAttributeValue, [], bytes.left.message))
            : lift(writeBytes(tag, start, vals.length, bytes.right))
        }
        const range = checkRange(tag, start, vals.length)
        if (range) return Effect.fail(range)
        const { first, n, skip } = covering(tag, start, vals.length)
        const size = wireSize(t)!
        return lift(updateBytes(tag, first, n, (old) => {
          const next = old.slice()
          // BOOLs from bit `skip` of the first DWORD; structures from element `skip` (0).
          const why = t._tag === "Bits"
            ? encodeInto(t, [...Array.from({ length: skip }, (_, i) => ((old[i >> 3]! >> (i & 7)) & 1) === 1), ...vals], next)
            : encodeInto(t, vals, next.subarray(skip * size))
          return why === undefined ? next : statusError(tag, "BadData", Status.InvalidAttributeValue, [], why)
        }))
      }),
    /**
     * A request named no tag (it was answered with status 0x05): an error event naming what was
     * asked for, so `-p`, history and the live page show it too.
     */
    reportUnknown: (name: string, start: number, count: number): void => {
      if (listening) publish({ name, kind: "error", start, count, error: `${name}: unknown tag`, at: Date.now() })
    },
    setError: (name: string, error: ForcedError | undefined): Effect.Effect<void, TagError> =>
      Effect.map(need(name), (tag) => { tag.error = error }),
    /**
     * Subscribe to events for the life of the scope (counts subscribers so publishing is free
     * without any). A subscriber slower than the events loses the oldest beyond `eventCapacity`:
     * fine for printing and watching; a record that must be complete uses `addSink`.
     */
    subscribe: Effect.acquireRelease(
      // The PubSub is made on the first subscription: a fleet has hundreds of stores, most never watched.
      Effect.suspend(() => PubSub.subscribe(pubsub ??= Effect.runSync(PubSub.sliding<TagEvent>(eventCapacity)))).pipe(Effect.tap(() => { subscribers++; relisten() })),
      () => Effect.sync(() => { subscribers--; relisten() })
    ) as Effect.Effect<Queue.Dequeue<TagEvent>, never, Scope.Scope>,
    /**
     * Call `sink` synchronously with every event, in the turn of the access, for the life of the
     * scope: nothing is dropped on the way (history uses it). A sink must be quick and must not
     * throw; it hands the event on (to a buffer) rather than doing I/O.
     */
    addSink: (sink: TagSink, options: SinkOptions = {}): Effect.Effect<void, never, Scope.Scope> =>
      Effect.acquireRelease(
        Effect.sync(() => {
          sinks = [...sinks, sink]
          if (options.congested !== undefined) behind = [...behind, options.congested]
          relisten()
        }),
        () => Effect.sync(() => {
          sinks = sinks.filter((k) => k !== sink)
          behind = behind.filter((c) => c !== options.congested)
          relisten()
        })
      ),
    /**
     * True while a sink is behind (its `congested` says so): whoever makes tag accesses should
     * slow down — the server stops reading its sessions' sockets meanwhile, so TCP holds the
     * clients back instead of the sink dropping what they were acknowledged.
     */
    congested: (): boolean => {
      for (const c of behind) if (c()) return true
      return false
    },
    hasSubscribers: (): boolean => listening
  } as const
}

/** The TagStore service shape (see module doc). */
export interface TagStoreService extends ReturnType<typeof makeOps> {
  /** All events as a Stream (subscribes when run). */
  readonly events: Stream.Stream<TagEvent>
}

export class TagStore extends Context.Tag("cpppo/TagStore")<TagStore, TagStoreService>() {
  /** Build from specs (text or parsed); uses `AttributeFactory` from the context when present. */
  static layer = (specs: ReadonlyArray<string | TagSpec>, options?: TagStoreOptions): Layer.Layer<TagStore, TagSpecError | AttributeError> =>
    Layer.effect(TagStore, makeTagStore(specs, options))
}

/** The structure registry of a list of definitions (text or objects), as a TagSpecError on a mistake. */
export const makeTypes = (udts: ReadonlyArray<UdtDefinition | string>): Either.Either<TypeRegistry, TagSpecError> => {
  const defs: Array<UdtDefinition> = []
  for (const u of udts) {
    const d = decodeUdtDefinition(u)
    if (Either.isLeft(d)) return Either.left(new TagSpecError({ spec: typeof u === "string" ? u : u.name, message: d.left.message }))
    defs.push(d.right)
  }
  return Either.mapLeft(buildTypes(defs), (e) => new TagSpecError({ spec: e.udt, message: e.message }))
}

/** Largest tag accepted, in bytes (a typo must not allocate gigabytes). */
const MAX_TAG_BYTES = 1 << 28

/** Parse every spec, reject duplicates, create each tag's Attribute. */
export const makeTagStore = (
  specs: ReadonlyArray<string | TagSpec>,
  options: TagStoreOptions = {}
): Effect.Effect<TagStoreService, TagSpecError | AttributeError> =>
  Effect.gen(function* () {
    const factory = yield* Effect.serviceOption(AttributeFactory)
    const types = options.udts !== undefined && options.udts.length > 0 ? yield* makeTypes(options.udts) : BUILTIN_TYPES
    const parsed = yield* parseTagSpecs(specs, types)
    const tags: Array<Tag> = []
    for (const spec of parsed) {
      const dup = (why: string) => new TagSpecError({ spec: spec.name, message: `bad tag spec ${JSON.stringify(spec.name)}: ${why}` })
      const element = elementOf(spec, types)
      if (element === undefined) return yield* Effect.fail(dup(`unknown type ${spec.type}`))
      // A BOOL array is stored 32 BOOLs to a DWORD: BOOL[n] holds n rounded up to 32.
      const per = perElement(element)
      const wireCount = Math.ceil(spec.count / per)
      const count = wireCount * per
      const size = wireSize(element)
      if (size !== undefined && size * wireCount > MAX_TAG_BYTES) return yield* Effect.fail(dup(`${size * wireCount} bytes is more than ${MAX_TAG_BYTES} (at most ${MAX_ELEMENTS} elements)`))
      // A factory's refusal names the tag, as access failures do (`NAME: message`).
      const attribute = Option.isSome(factory)
        ? yield* Effect.mapError(factory.value.make(spec, element, count), (e) =>
          new AttributeError({ status: e.status, extStatus: e.extStatus, message: `${spec.name}: ${e.message}` }))
        : memoryAttribute(element, count)
      tags.push({
        name: spec.name, spec, type: typeLabel(element), element, count, scalar: spec.scalar,
        instance: tags.length + 1, typeSpec: wireType(element), elementSize: size, wireCount, attribute, error: undefined
      })
    }
    const ops = makeOps(tags, options.eventCapacity ?? 65536, types)
    return { ...ops, events: Stream.unwrapScoped(Effect.map(ops.subscribe, (q) => Stream.fromQueue(q))) }
  })

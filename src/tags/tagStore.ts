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
import { Context, Data, Effect, Layer, Option, PubSub, type Queue, type Scope, Stream } from "effect"
import type { CipValue, TypeName, TypeSpec } from "../cip/types.js"
import { decodeValues, elementSize, encodedLength, encodeValues, LOGIX_STRING_CAPACITY, LOGIX_STRING_SIZE, typeSpecOf, unrepresentable } from "../cip/types.js"
import { describeStatus, ExtendedStatus, Status } from "../cip/status.js"
import { type Attribute, AttributeError, AttributeFactory, memoryAttribute } from "./attribute.js"
import type { TagEvent } from "./events.js"
import { parseTagSpecs, type TagSpec, type TagSpecError } from "./spec.js"

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

/** One configured tag. `error` is the forced error, settable at run time. */
export interface Tag {
  readonly name: string
  readonly spec: TagSpec
  readonly type: TypeName
  readonly count: number
  readonly scalar: boolean
  /** Symbol object (0x6B) instance id: 1-based creation order. */
  readonly instance: number
  /** The type as carried in Read/Write Tag (STRING: STRUCT with handle 0x0FCE). */
  readonly typeSpec: TypeSpec
  /** Fixed encoded element size in bytes; undefined for SSTRING. */
  readonly elementSize: number | undefined
  readonly attribute: Attribute
  error: ForcedError | undefined
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
}

const lower = (s: string) => s.toLowerCase()
const placementKey = (cls: number, ins: number, att: number) => `${cls}/${ins}/${att}`


/** Build the store's operations over already-created tags. */
const makeOps = (tags: ReadonlyArray<Tag>, eventCapacity: number) => {
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
  const fail = (tag: Tag, start: number, count: number, err: TagError): TagError => {
    if (listening) publish({ name: tag.name, type: tag.type, kind: "error", start, count, error: err.message, at: Date.now() })
    return err
  }
  const statusError = (tag: Tag, reason: TagError["reason"], status: number, ext: ReadonlyArray<number>, what?: string) =>
    new TagError({ name: tag.name, reason, status, extStatus: ext, message: `${tag.name}: ${what ?? describeStatus(status, ext)}` })
  const values = (tag: Tag, bytes: Uint8Array, count: number): ReadonlyArray<CipValue> => {
    const r = decodeValues(tag.type, bytes, count)
    return r._tag === "Right" ? r.right : []
  }

  /** Forced error or bounds failure for `[start, start+count)`, else undefined. */
  const check = (tag: Tag, start: number, count: number): TagError | undefined => {
    if (tag.error !== undefined) {
      return fail(tag, start, count, statusError(tag, "Forced", tag.error.status, tag.error.extStatus ?? []))
    }
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > tag.count) {
      return fail(tag, start, count, statusError(tag, "OutOfRange", Status.GeneralError, [ExtendedStatus.OutOfRange],
        `${tag.name}[${start}${count > 1 ? `-${start + count - 1}` : ""}] is outside 0..${tag.count - 1}`))
    }
    return undefined
  }
  const fromAttributeError = (tag: Tag, start: number, count: number) => (e: AttributeError) =>
    Effect.fail(fail(tag, start, count, statusError(tag, "Attribute", e.status, e.extStatus, e.message)))

  /** Encoded elements `[start, start+count)`. */
  const readBytes = (tag: Tag, start: number, count: number): Outcome<Uint8Array> => {
    const bad = check(tag, start, count)
    if (bad) return bad
    const sync = tag.attribute.sync
    if (sync) {
      const bytes = sync.unsafeReadBytes(start, count)
      if (listening) publish({ name: tag.name, type: tag.type, kind: "read", start, count, values: values(tag, bytes, count), at: Date.now() })
      return bytes
    }
    return tag.attribute.read(start, count).pipe(
      Effect.catchAll(fromAttributeError(tag, start, count)),
      Effect.map((vals) => {
        if (listening) publish({ name: tag.name, type: tag.type, kind: "read", start, count, values: vals, at: Date.now() })
        return encodeValues(tag.type, vals)
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

  /** Replace elements from `start` with encoded `bytes` (whole elements; atomic). */
  const writeBytes = (tag: Tag, start: number, count: number, bytes: Uint8Array): Outcome<void> => {
    const bad = check(tag, start, count)
    if (bad) return bad
    // The bytes must hold exactly `count` elements: an attribute given more could store elements
    // nobody asked for, or (SSTRING) decode garbage, and the write would be reported done.
    const size = tag.elementSize
    const decoded = size === undefined ? decodeValues(tag.type, bytes, count) : undefined
    if (bytes.length !== encodedLength(tag.type, bytes, count) || (decoded !== undefined && decoded._tag === "Left")) {
      return fail(tag, start, count, statusError(tag, "BadData", Status.GeneralError, [ExtendedStatus.LengthMismatch],
        `${tag.name}: ${bytes.length} bytes do not hold ${count} ${tag.type} elements`))
    }
    const badLen = badStringLength(tag, start, count, bytes)
    if (badLen) return badLen
    const sync = tag.attribute.sync
    if (sync) {
      sync.unsafeWriteBytes(start, bytes)
      if (listening) publish({ name: tag.name, type: tag.type, kind: "write", start, count, values: values(tag, bytes, count), at: Date.now() })
      return undefined
    }
    const vals = decoded?._tag === "Right" ? decoded.right : values(tag, bytes, count)
    return tag.attribute.write(start, vals).pipe(
      Effect.catchAll(fromAttributeError(tag, start, count)),
      Effect.tap(() => { if (listening) publish({ name: tag.name, type: tag.type, kind: "write", start, count, values: vals, at: Date.now() }) })
    )
  }

  /**
   * Read elements `[start, start+count)`, transform their bytes with `f` (same length, or a
   * TagError), write them back: Read-Modify-Write and partial (fragmented) writes. Synchronous
   * attributes do this without interleaving; asynchronous ones read then write.
   */
  const updateBytes = (tag: Tag, start: number, count: number, f: (old: Uint8Array) => Uint8Array | TagError): Outcome<void> => {
    const bad = check(tag, start, count)
    if (bad) return bad
    const sync = tag.attribute.sync
    if (sync) {
      const next = f(sync.unsafeReadBytes(start, count))
      if (next instanceof TagError) return fail(tag, start, count, next)
      return writeBytes(tag, start, count, next)
    }
    return Effect.flatMap(
      tag.attribute.read(start, count).pipe(Effect.catchAll(fromAttributeError(tag, start, count))),
      (vals) => {
        const next = f(encodeValues(tag.type, vals))
        if (next instanceof TagError) return Effect.fail(fail(tag, start, count, next))
        const w = writeBytes(tag, start, count, next)
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
    const want = tag.type === "LINT" || tag.type === "ULINT" ? ["bigint", "number"]
      : tag.type === "STRING" || tag.type === "SSTRING" ? ["string"]
      : tag.type === "BOOL" ? ["boolean", "number"] : ["number"]
    const badIdx = vals.findIndex((v) => !want.includes(typeof v) || (typeof v === "number" && Number.isNaN(v)))
    if (badIdx >= 0) {
      return statusError(tag, "TypeMismatch", Status.GeneralError, [ExtendedStatus.TypeMismatch], `${tag.name}: value ${String(vals[badIdx])} is not a ${tag.type}`)
    }
    // A value the type cannot hold would be stored changed (wrapped, cut short) and reported written.
    for (const v of vals) {
      const why = unrepresentable(tag.type, v)
      if (why !== undefined) return statusError(tag, "BadData", Status.InvalidAttributeValue, [], `${tag.name}: value ${JSON.stringify(String(v))} is not a ${tag.type} (${why})`)
    }
    return undefined
  }

  return {
    tags,
    find,
    findPlacement: (cls: number, ins: number, att: number): Tag | undefined => byPlacement.get(placementKey(cls, ins, att)),
    findInstance: (id: number): Tag | undefined => (Number.isInteger(id) && id >= 1 && id <= tags.length ? tags[id - 1] : undefined),
    readBytes,
    writeBytes,
    updateBytes,
    read: (name: string, start = 0, count?: number): Effect.Effect<ReadonlyArray<CipValue>, TagError> =>
      Effect.flatMap(need(name), (tag) =>
        Effect.map(lift(readBytes(tag, start, count ?? tag.count - start)), (b) => values(tag, b, count ?? tag.count - start))),
    write: (name: string, start: number, vals: ReadonlyArray<CipValue>): Effect.Effect<void, TagError> =>
      Effect.flatMap(need(name), (tag) => {
        const bad = checkValues(tag, vals)
        return bad ? Effect.fail(fail(tag, start, vals.length, bad)) : lift(writeBytes(tag, start, vals.length, encodeValues(tag.type, vals)))
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

/** Parse every spec, reject duplicates, create each tag's Attribute. */
export const makeTagStore = (
  specs: ReadonlyArray<string | TagSpec>,
  options: TagStoreOptions = {}
): Effect.Effect<TagStoreService, TagSpecError | AttributeError> =>
  Effect.gen(function* () {
    const factory = yield* Effect.serviceOption(AttributeFactory)
    const parsed = yield* parseTagSpecs(specs)
    const tags: Array<Tag> = []
    for (const spec of parsed) {
      const attribute = Option.isSome(factory) ? yield* factory.value.make(spec) : memoryAttribute(spec.type, spec.count)
      tags.push({
        name: spec.name, spec, type: spec.type, count: spec.count, scalar: spec.scalar,
        instance: tags.length + 1, typeSpec: typeSpecOf(spec.type), elementSize: elementSize(spec.type), attribute, error: undefined
      })
    }
    const ops = makeOps(tags, options.eventCapacity ?? 65536)
    return { ...ops, events: Stream.unwrapScoped(Effect.map(ops.subscribe, (q) => Stream.fromQueue(q))) }
  })

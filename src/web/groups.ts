/**
 * The four API groups (options, tags, connections, server): how each lists its items, and how
 * each plans a command on one item. Planning validates everything first and returns Effects to
 * run, so a bad request changes nothing; every Effect acts on the live services the simulator
 * uses (ServerControl, TagStore, ConnectionRegistry).
 */
import { Duration, Effect, Either, Option } from "effect"
import type { CipValue } from "../cip/types.js"
import type { HistoryRecorderService } from "../history/recorderService.js"
import { parseDelay, type ServerControlService } from "../server/control.js"
import type { ConnectionRegistryService } from "../server/registry.js"
import type { Tag, TagStoreService } from "../tags/tagStore.js"
import { attributeText, ATTRIBUTE_TEXT_VALUES, convertValues, jsonValue, parseBoolean, parseNumber } from "./convert.js"
import type { ConnectionItem, ControlItem, DelayItem, TagItem } from "./reply.js"
import type { ParsedCommand } from "./request.js"

/** The services the API acts on. */
export interface ApiServices {
  readonly control: ServerControlService
  readonly registry: ConnectionRegistryService
  readonly tags: TagStoreService
  /** The history recorder, when the simulator records history (its losses are alarms). */
  readonly history?: HistoryRecorderService
}

/** A JSON-safe value a read returns. */
export type ReadValue = boolean | number | string | null | ReadonlyArray<boolean | number | string | null>

/** A validated command on one item: a read (value now) or a write (an Effect yielding a message). */
export type Step =
  | { readonly _tag: "Read"; readonly value: Effect.Effect<ReadValue, string> }
  | { readonly _tag: "Write"; readonly run: Effect.Effect<string, string> }

export interface Group<Item> {
  readonly name: "options" | "tags" | "connections" | "server"
  /** Command names this group can change. */
  readonly commands: ReadonlyArray<string>
  /** Item fields (and commands) a read may name. */
  readonly fields: ReadonlyArray<string>
  readonly keys: (s: ApiServices) => ReadonlyArray<string>
  readonly item: (s: ApiServices, key: string) => Effect.Effect<Item, string>
  /** Validate a command on one item. `value` undefined means a read. */
  readonly plan: (s: ApiServices, key: string, command: ParsedCommand, value: string | undefined) => Either.Either<Step, string>
  /** Check a command's value when no item matched (so a bad value is refused even then). */
  readonly checkValue?: (command: ParsedCommand, value: string) => Either.Either<unknown, string>
}

const read = (value: Effect.Effect<ReadValue, string>): Either.Either<Step, string> => Either.right({ _tag: "Read", value })
const write = (run: Effect.Effect<string, string>): Either.Either<Step, string> => Either.right({ _tag: "Write", run })
const noIndex = (key: string, c: ParsedCommand): Either.Either<void, string> =>
  c.range === undefined ? Either.void : Either.left(`${key}.${c.name} takes no element index`)

/** Read one field of an item (a command without a value). */
const readField = <Item extends object>(g: Group<Item>, s: ApiServices, key: string, c: ParsedCommand): Either.Either<Step, string> =>
  Either.flatMap(noIndex(key, c), () =>
    read(Effect.flatMap(g.item(s, key), (item) =>
      c.name in item ? Effect.succeed((item as Record<string, ReadValue>)[c.name]!) : Effect.fail(`${key} has no field ${c.name}`))))

const nonNegative = (key: string, field: string, text: string, min = 0): Either.Either<number, string> => {
  const n = parseNumber(text)
  return n === undefined || !Number.isFinite(n) || n < min
    ? Either.left(`${key}.${field}: ${JSON.stringify(text)} is not a number ${min > 0 ? `above ${min}` : ">= 0"}`)
    : Either.right(n)
}

const boolean = (key: string, field: string, text: string): Either.Either<boolean, string> => {
  const b = parseBoolean(text)
  return b === undefined ? Either.left(`${key}.${field}: ${JSON.stringify(text)} is not a boolean (true/yes/false/no or a number)`) : Either.right(b)
}

const formatRange = (r: readonly [number, number] | undefined): string | null => (r === undefined ? null : `${r[0]}-${r[1]}`)

// ---------------------------------------------------------------------------------------------

export const optionsGroup: Group<DelayItem> = {
  name: "options",
  commands: ["value", "range"],
  fields: ["value", "range"],
  keys: () => ["delay"],
  item: (s) => Effect.sync(() => {
    const d = s.control.unsafeState().delay
    return { value: d.value, range: formatRange(d.range) }
  }),
  plan: (s, key, c, value) => {
    if (value === undefined) return readField(optionsGroup, s, key, c)
    return Either.flatMap(noIndex(key, c), () => {
      if (c.name === "value") {
        return Either.flatMap(nonNegative(key, "value", value), (n) =>
          write(Effect.as(s.control.setDelay(n), `delay.value = ${n}`)))
      }
      const t = value.trim().toLowerCase()
      if (t === "" || t === "none" || t === "null" || t === "false" || t === "off") {
        return write(Effect.as(s.control.setDelayRange(undefined), "delay.range cleared"))
      }
      const r = parseDelay(value)
      if (Option.isNone(r) || !Array.isArray(r.value)) {
        return Either.left(`delay.range: ${JSON.stringify(value)} is not a range LO-HI in seconds (e.g. 0.5-1.5), or none`)
      }
      const range = r.value as readonly [number, number]
      return write(Effect.as(s.control.setDelayRange(range), `delay.range = ${formatRange(range)}`))
    })
  }
}

// ---------------------------------------------------------------------------------------------

/** Read values straight from the tag's Attribute: observing never fails on a forced error nor emits events. */
export const peekValues = (tag: Tag, start: number, count: number): Effect.Effect<ReadonlyArray<CipValue>, string> => {
  const n = Math.max(0, Math.min(count, tag.count - start))
  if (n === 0) return Effect.succeed([])
  const sync = tag.attribute.sync
  if (sync) return Effect.sync(() => sync.unsafeRead(start, n))
  return Effect.mapError(tag.attribute.read(start, n), (e) => `${tag.name}: ${e.message}`)
}

export const tagPath = (tag: Tag): string => {
  const p = tag.spec.placement
  return p === undefined ? tag.name : `@0x${p.cls.toString(16)}/${p.ins}/${p.att}`
}

const tagOf = (s: ApiServices, key: string): Either.Either<Tag, string> => {
  const t = s.tags.find(key)
  return t === undefined ? Either.left(`no tag named ${key}`) : Either.right(t)
}

const planAttribute = (s: ApiServices, tag: Tag, c: ParsedCommand, value: string | undefined): Either.Either<Step, string> => {
  const r = c.range
  if (r !== undefined && r.end >= tag.count) {
    return Either.left(`${tag.name}.attribute[${r.start}${r.end !== r.start ? `-${r.end}` : ""}]: index out of range 0..${tag.count - 1}`)
  }
  if (value === undefined) {
    const start = r?.start ?? 0
    const count = r === undefined ? tag.count : r.end - r.start + 1
    return read(Effect.map(peekValues(tag, start, count), (vs) => {
      const js = vs.map(jsonValue)
      return (r !== undefined && r.start === r.end) || (r === undefined && tag.scalar) ? js[0] ?? null : js
    }))
  }
  return Either.flatMap(convertValues(tag.type, value), (vals) => {
    const start = r?.start ?? 0
    // `[i]` is a start index (as many values as given); `[i-j]` wants j-i+1 values, or one to fill.
    const want = r === undefined || r.start === r.end ? undefined : r.end - r.start + 1
    let values = vals
    if (want !== undefined && vals.length !== want) {
      if (vals.length !== 1) return Either.left(`${tag.name}.attribute[${r!.start}-${r!.end}]: ${vals.length} values for ${want} elements`)
      values = Array.from({ length: want }, () => vals[0]!)
    }
    if (start + values.length > tag.count) {
      return Either.left(`${tag.name}.attribute: ${values.length} values from index ${start} do not fit in 0..${tag.count - 1}`)
    }
    const label = `${tag.name}.attribute[${start}${values.length > 1 ? `-${start + values.length - 1}` : ""}]`
    // Through the TagStore (so subscribers see the write) unless a forced error would refuse it:
    // the operator's write goes to the storage regardless.
    const run = tag.error === undefined
      ? Effect.mapError(s.tags.write(tag.name, start, values), (e) => e.message)
      : Effect.mapError(tag.attribute.write(start, values), (e) => `${tag.name}: ${e.message}`)
    return write(Effect.as(run, `${label} <= [${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}]`))
  })
}

export const tagsGroup: Group<TagItem> = {
  name: "tags",
  commands: ["attribute", "error"],
  fields: ["attribute", "error", "path", "type", "count"],
  keys: (s) => s.tags.tags.map((t) => t.name),
  item: (s, key) => Either.match(tagOf(s, key), {
    onLeft: Effect.fail,
    onRight: (tag) => Effect.map(peekValues(tag, 0, ATTRIBUTE_TEXT_VALUES), (vs) => ({
      attribute: attributeText(tag.name, tag.type, tag.count, tag.scalar, vs),
      error: tag.error?.status ?? 0,
      path: tagPath(tag),
      type: tag.type,
      count: tag.count
    }))
  }),
  plan: (s, key, c, value) => Either.flatMap(tagOf(s, key), (tag) => {
    if (c.name === "attribute") return planAttribute(s, tag, c, value)
    if (value === undefined) return readField(tagsGroup, s, key, c)
    return Either.flatMap(noIndex(key, c), () => {
      const n = parseNumber(value)
      if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xff) {
        return Either.left(`${tag.name}.error: ${JSON.stringify(value)} is not a CIP status 0..255 (0 restores)`)
      }
      return write(Effect.as(
        Effect.mapError(s.tags.setError(tag.name, n === 0 ? undefined : { status: n }), (e) => e.message),
        n === 0 ? `${tag.name}.error cleared` : `${tag.name}.error = ${n}`
      ))
    })
  })
}

// ---------------------------------------------------------------------------------------------

export const connectionsGroup: Group<ConnectionItem> = {
  name: "connections",
  commands: ["eof"],
  fields: ["interface", "port", "received", "requests", "eof"],
  keys: (s) => s.registry.entries().map((e) => e.key),
  item: (s, key) => {
    const e = s.registry.get(key)
    return e === undefined
      ? Effect.fail(`no connection ${key}`)
      : Effect.succeed({ interface: e.interface, port: e.port, received: e.received, requests: e.requests, eof: e.eof })
  },
  checkValue: (c, value) => Either.flatMap(noIndex("connections", c), () => boolean("connections", "eof", value)),
  plan: (s, key, c, value) => {
    if (value === undefined) return readField(connectionsGroup, s, key, c)
    return Either.flatMap(noIndex(key, c), () =>
      Either.flatMap(boolean(key, "eof", value), (eof) =>
        eof
          ? write(Effect.map(s.registry.setEof(key), (dropped) => dropped ? `${key} dropped` : `${key} already gone`))
          : write(Effect.succeed(`${key}.eof = false: no change`))))
  }
}

// ---------------------------------------------------------------------------------------------

/** How long `done` waits before asking the server to exit, so the reply can be sent first. */
export const DONE_GRACE = Duration.millis(100)

export const serverGroup: Group<ControlItem> = {
  name: "server",
  commands: ["disable", "done", "latency", "timeout"],
  fields: ["disable", "done", "latency", "timeout"],
  keys: () => ["control"],
  item: (s) => Effect.sync(() => {
    const st = s.control.unsafeState()
    return { disable: st.disabled, done: st.done, latency: st.latency, timeout: st.timeout }
  }),
  plan: (s, key, c, value) => {
    if (value === undefined) return readField(serverGroup, s, key, c)
    return Either.flatMap(noIndex(key, c), () => {
      switch (c.name) {
        case "disable":
          return Either.flatMap(boolean(key, c.name, value), (b) =>
            write(Effect.as(s.control.setDisabled(b), b ? "server disabled: port closed, sessions dropped" : "server enabled: listening again")))
        case "done":
          return Either.flatMap(boolean(key, c.name, value), (b) =>
            b
              ? write(Effect.as(Effect.forkDaemon(Effect.zipRight(Effect.sleep(DONE_GRACE), s.control.finish)), "server done: exiting"))
              : s.control.unsafeState().done
                ? Either.left("control.done: the server is already exiting")
                : write(Effect.succeed("control.done = false: no change")))
        case "latency":
          return Either.flatMap(nonNegative(key, c.name, value, 0), (n) =>
            n <= 0 ? Either.left("control.latency must be above 0 seconds") : write(Effect.as(s.control.setLatency(n), `control.latency = ${n}`)))
        default:
          return Either.flatMap(nonNegative(key, c.name, value), (n) => write(Effect.as(s.control.setTimeout(n), `control.timeout = ${n}`)))
      }
    })
  }
}

/** Every group, in reply order. */
export const GROUPS: ReadonlyArray<Group<object>> = [optionsGroup, tagsGroup, connectionsGroup, serverGroup]

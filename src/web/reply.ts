/**
 * The web API reply, described by Schemas: `{ alarm, command, data, since, until }`, with one
 * item shape per group. Clients (and the tests) decode replies with `ApiReply`.
 */
import { Schema } from "effect"

/** `options/delay`: the reply delay in seconds, and the range it is re-drawn from (`0.5-1.5`) if any. */
export const DelayItem = Schema.Struct({
  value: Schema.Number,
  range: Schema.NullOr(Schema.String)
})
export type DelayItem = typeof DelayItem.Type

/** `tags/NAME`: the attribute text, the forced error status (0 = none) and the tag's path. */
export const TagItem = Schema.Struct({
  attribute: Schema.String,
  error: Schema.Number,
  path: Schema.String,
  type: Schema.String,
  count: Schema.Number
})
export type TagItem = typeof TagItem.Type

/** `connections/127_0_0_1_52590`: one live EtherNet/IP session. */
export const ConnectionItem = Schema.Struct({
  interface: Schema.String,
  port: Schema.Number,
  received: Schema.Number,
  requests: Schema.Number,
  eof: Schema.Boolean
})
export type ConnectionItem = typeof ConnectionItem.Type

/** `server/control`: the server's switches. */
export const ControlItem = Schema.Struct({
  disable: Schema.Boolean,
  done: Schema.Boolean,
  latency: Schema.Number,
  timeout: Schema.Number
})
export type ControlItem = typeof ControlItem.Type

/** One controller of a fleet (the `controllers` group). */
export const ControllerItem = Schema.Struct({
  /** `host:port` it listens on. */
  address: Schema.String,
  /** `running`, `disabled` (port closed on purpose) or `done` (stopped). */
  state: Schema.Literal("running", "disabled", "done"),
  sessions: Schema.Number,
  /** CIP requests answered since start. */
  requests: Schema.Number,
  tags: Schema.Number,
  product: Schema.String,
  serial: Schema.Number,
  /** The reply delay in force, seconds. */
  delay: Schema.Number,
  /** Tags with a forced error. */
  errors: Schema.Number
})
export type ControllerItem = typeof ControllerItem.Type

/** The groups present in a reply (only those the request's group pattern matched). */
export const ApiData = Schema.Struct({
  options: Schema.optional(Schema.Record({ key: Schema.String, value: DelayItem })),
  tags: Schema.optional(Schema.Record({ key: Schema.String, value: TagItem })),
  connections: Schema.optional(Schema.Record({ key: Schema.String, value: ConnectionItem })),
  server: Schema.optional(Schema.Record({ key: Schema.String, value: ControlItem })),
  controllers: Schema.optional(Schema.Record({ key: Schema.String, value: ControllerItem }))
})
export type ApiData = typeof ApiData.Type

/** JSON-safe value returned by a read command, keyed by the item it was read from. */
export const JsonScalar = Schema.Union(Schema.Boolean, Schema.Number, Schema.String, Schema.Null)
export const CommandValue = Schema.Union(JsonScalar, Schema.Array(JsonScalar))

/** The outcome of a command. */
export const CommandResult = Schema.Struct({
  message: Schema.String,
  success: Schema.Boolean,
  /** For reads (a command without a value): the value per matched item. */
  value: Schema.optional(Schema.Record({ key: Schema.String, value: CommandValue }))
})
export type CommandResult = typeof CommandResult.Type

/**
 * The whole reply. `command` is null when the request named no command, `{}` is accepted for
 * compatibility with cpppo, and otherwise holds the message and success flag. `since` echoes the
 * `?since=` query (epoch seconds) and `until` is the server's time of the reply (epoch seconds).
 */
export const ApiReply = Schema.Struct({
  alarm: Schema.Array(Schema.String),
  command: Schema.NullOr(Schema.Union(CommandResult, Schema.Struct({}))),
  data: ApiData,
  since: Schema.NullOr(Schema.Number),
  until: Schema.Number
})
export type ApiReply = typeof ApiReply.Type

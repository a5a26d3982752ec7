/**
 * The fleet file's shape, as one Schema: shared `defaults`, then `controllers:` entries. Each
 * field carries its own message, so a bad file is reported as one line naming the entry and the
 * field (see `parseFleetConfig`). Unknown fields are refused (a typo must not pass silently).
 */
import { Schema } from "effect"
import { UdtDefinitionSchema } from "../cip/udt.js"

const shown = (actual: unknown): string => {
  try {
    const s = JSON.stringify(actual)
    return s === undefined ? String(actual) : s.length > 60 ? `${s.slice(0, 57)}...` : s
  } catch {
    return String(actual)
  }
}

/**
 * A schema whose failures read "expected WHAT, got VALUE". `override` also replaces the messages
 * of nested parts (for unions, whose members would each report their own).
 */
const expecting = <A, I>(schema: Schema.Schema<A, I>, what: string, override = false) =>
  schema.annotations({ message: (issue) => ({ message: `expected ${what}, got ${shown(issue.actual)}`, override }) })

const int = (lo: number, hi: number, what: string) =>
  expecting(Schema.Number.pipe(Schema.int(), Schema.between(lo, hi)), `${what} (an integer ${lo}..${hi})`, true)

const opt = <A, I>(schema: Schema.Schema<A, I>) => Schema.optionalWith(schema, { exact: true })

/** Text that may hold `{n}` placeholders (expanded per repeated entry). */
const Template = expecting(Schema.String, "text")

/** The Identity object's values; each is optional and falls back to the defaults. */
export const IdentitySchema = expecting(Schema.Struct({
  vendor: opt(int(0, 0xffff, "a vendor id")),
  deviceType: opt(int(0, 0xffff, "a device type")),
  productCode: opt(int(0, 0xffff, "a product code")),
  revision: opt(expecting(
    Schema.Union(Schema.String, Schema.Tuple(Schema.Number, Schema.Number)),
    `a revision "MAJOR.MINOR" (quoted) or [MAJOR, MINOR]`, true
  )),
  status: opt(int(0, 0xffff, "a status word")),
  /** A number, or text with `{n}` such as `"0x1000{n}"` or `"{4000+n}"`. */
  serial: opt(expecting(Schema.Union(Schema.Number, Schema.String), "a serial number or a {n} template", true)),
  productName: opt(expecting(Schema.String.pipe(Schema.maxLength(32)), "a product name (text of at most 32 characters)", true)),
  state: opt(int(0, 255, "a state"))
}), "a mapping of identity values (vendor, deviceType, productCode, revision, status, serial, productName, state)")
export type IdentityFields = typeof IdentitySchema.Type

/** What an entry and `defaults` may both say about a controller. */
const common = {
  /** `[host][:port]`; a repeated entry steps the host (IP) or the port from here, or uses `{n}`. */
  address: opt(Template),
  identity: opt(IdentitySchema),
  /**
   * Structure definitions (UDTs) the tags may use, as `--udt` takes them: the text
   * `Motor{Speed:REAL,Faults:DINT[4]}` or the object `{ name, members: [{ name, type, dims? }] }`
   * (the one `UdtDefinitionSchema`); an entry's list replaces the defaults' list.
   */
  udts: opt(expecting(Schema.Array(UdtDefinitionSchema), "a list of structure definitions (Name{Member:TYPE[n],…} or {name, members})")),
  /**
   * Signal generators, as `--signal` takes them (`Level=sine(amplitude=40, period=60s, phase={n}/10)`);
   * `{n}` placeholders vary them per repeated entry. An entry's list replaces the defaults' list.
   */
  signals: opt(expecting(Schema.Array(Schema.String), "a list of signals (TARGET=EXPRESSION, as --signal takes them)")),
  /** Tag specs `NAME[@cls/ins/att]=TYPE[n]`; an entry's list replaces the defaults' list. */
  tags: opt(expecting(Schema.Array(Schema.String), "a list of tag specs")),
  /** Reply delay: seconds, or a range `"0.1-0.9"` re-drawn every second. */
  delay: opt(expecting(Schema.Union(Schema.Number.pipe(Schema.nonNegative()), Schema.String), `seconds or a range like "0.1-0.9"`, true)),
  /** The route path Unconnected Sends must carry (`1/0`); `false` or `none` for none. */
  routePath: opt(expecting(Schema.Union(Schema.String, Schema.Literal(false)), `a route path like "1/0", or false`, true)),
  simple: opt(expecting(Schema.Boolean, "true or false")),
  udp: opt(expecting(Schema.Boolean, "true or false")),
  /** false: no TCP sessions, only List* on UDP (cpppo's `-T`). */
  tcp: opt(expecting(Schema.Boolean, "true or false")),
  idleTimeout: opt(expecting(Schema.Number.pipe(Schema.nonNegative()), "seconds (0 = never)", true)),
  maxSessions: opt(int(1, 1_000_000, "a session count")),
  size: opt(int(24 + 16, 24 + 0xffff, "a frame size in bytes")),
  /**
   * `kind: modbus` only: register ranges and values, as `cpppo modbus server` takes them
   * (`40001-40100=0`, `1-16=1`, `{n}` expanded); an entry's list replaces the defaults' list.
   */
  registers: opt(expecting(Schema.Array(Template), "a list of register ranges (40001-40100=0, as cpppo modbus server takes them)")),
  /** `kind: modbus` only: the unit ids answered (others get exception 0x0B); default every unit. */
  units: opt(expecting(Schema.Array(int(0, 255, "a unit id")), "a list of unit ids (0..255)"))
}

/** The most controllers one entry (or one file) may make. */
export const MAX_CONTROLLERS = 65536

export const DefaultsSchema = expecting(Schema.Struct(common), "a mapping of defaults for every controller")

export const EntrySchema = expecting(Schema.Struct({
  /** Unique in the fleet; `{n}` in a repeated entry (else `n` is appended). */
  name: Template,
  /**
   * The kind of device: `enip` (the default), an EtherNet/IP controller, or `modbus`, a Modbus/TCP
   * PLC as `cpppo modbus server` runs it (registers:, units:, address default port 502).
   */
  kind: opt(expecting(Schema.Literal("enip", "modbus"), `"enip" or "modbus"`, true)),
  /** Repeat this entry `count` times, n = 1…count. */
  count: opt(int(1, MAX_CONTROLLERS, "a count")),
  ...common
}), "a controller entry (a mapping with a name)")
export type FleetEntry = typeof EntrySchema.Type

/** The whole fleet file. */
export const FleetFileSchema = expecting(Schema.Struct({
  defaults: opt(DefaultsSchema),
  controllers: expecting(Schema.Array(EntrySchema), "a list of controller entries")
}), "a fleet file: a mapping with controllers: (and optionally defaults:)")
export type FleetFile = typeof FleetFileSchema.Type

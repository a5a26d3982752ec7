/**
 * The fleet file: YAML or JSON text → the list of controllers to build, each fully checked
 * (addresses, tag specs, identity, delay, route path, unique names and addresses). Pure: no I/O,
 * no Effect, so the CLI, tests and fuzzers call the same function, and a bad file is refused
 * before anything starts, with one line naming the entry and the field.
 *
 * ```yaml
 * defaults:
 *   tags: ["SCADA=INT[1000]", "Speed=REAL"]
 *   identity: { productName: "1756-L71 LINE" }
 * controllers:
 *   - name: plc{n}            # plc1 … plc50
 *     count: 50
 *     address: 127.0.1.1      # 127.0.1.1 … 127.0.1.50, port 44818
 *     identity: { serial: "{4000+n}" }
 *   - name: boiler
 *     address: 127.0.2.1:44818
 *     delay: "0.1-0.4"
 *     tags: ["Level=REAL[16]"]
 *   - name: line
 *     udts: ["Motor{Speed:REAL,Running:BOOL,Faults:DINT[4]}"]   # as --udt takes them
 *     tags: ["M=Motor[10]"]
 * ```
 */
import { Data, Either, Option, ParseResult, Schema } from "effect"
import { parseDocument } from "yaml"
import { parseRoutePath } from "../cip/epath.js"
import { buildTypes } from "../cip/layout.js"
import type { EPath } from "../cip/model.js"
import { DEFAULT_IDENTITY, type IdentityConfig } from "../device/identity.js"
import { parseSignal } from "../signals/parser.js"
import { parseNumber, parseTagSpecs } from "../tags/spec.js"
import { type HostPort, parseAddress } from "./address.js"
import { formatHostPort, nthAddress } from "./addressRange.js"
import { parseDelay } from "./control.js"
import { type FleetEntry, type FleetFile, FleetFileSchema, type IdentityFields, MAX_CONTROLLERS } from "./fleetSchema.js"
import type { SimulatorConfig } from "./simulator.js"
import type { ModbusDeviceConfig } from "../modbus/device.js"
import { planRuns } from "../modbus/registers.js"

/** An EtherNet/IP controller of a fleet, ready to build: a simulator's config and its unique name. */
export interface EnipControllerSpec extends SimulatorConfig {
  readonly name: string
  readonly kind: "enip"
  readonly tags: ReadonlyArray<string>
  readonly identity: Partial<IdentityConfig>
  /** Signal generators (`--signal` texts, `{n}` expanded), started with the controller. */
  readonly signals?: ReadonlyArray<string>
}

/** A Modbus/TCP device of a fleet (`kind: modbus`), ready to build with `makeModbusDevice`. */
export interface ModbusDeviceSpec extends ModbusDeviceConfig {
  readonly name: string
  readonly kind: "modbus"
  /** Register ranges (`{n}` expanded), each checked. */
  readonly registers: ReadonlyArray<string>
}

/** One device of a fleet: an EtherNet/IP controller or a Modbus/TCP PLC, by `kind`. */
export type ControllerSpec = EnipControllerSpec | ModbusDeviceSpec

/** A fleet file (or fleet options) that cannot be used; `message` is one line. */
export class FleetConfigError extends Data.TaggedError("FleetConfigError")<{
  readonly message: string
  /** Index of the entry in `controllers:` when the mistake is in one. */
  readonly entry?: number
  /** The field's path inside the entry (`identity.vendor`). */
  readonly field?: string
}> {}

/** The address a controller without one listens on: every interface, EtherNet/IP's port. */
export const DEFAULT_ADDRESS: HostPort = { host: "0.0.0.0", port: 44818 }
/** The address a Modbus device without one listens on: every interface, Modbus/TCP's port. */
export const DEFAULT_MODBUS_ADDRESS: HostPort = { host: "0.0.0.0", port: 502 }

/** Fields of an EtherNet/IP controller, refused on a `kind: modbus` entry (defaults: skip them). */
const ENIP_ONLY = ["identity", "udts", "signals", "tags", "routePath", "simple", "udp", "tcp", "size"] as const
/** Fields of a Modbus device, refused on an EtherNet/IP entry (defaults: skip them). */
const MODBUS_ONLY = ["registers", "units"] as const

/** Names the web server uses for its own paths; a controller may not take them. */
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", ""])
const RESERVED_NAMES = new Set(["api", "events", "healthz", "metrics", "favicon.ico"])
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

const PLACEHOLDER = /\{([^{}]*)\}/g
const TERM = /^\s*(?:(\d+)\s*\+\s*)?n\s*(?:([+-])\s*(\d+)\s*)?(?::\s*(\d{1,2})\s*)?$/

/**
 * Expand `{n}` placeholders for member `n`: `{n}`, `{n+K}`, `{n-K}`, `{K+n}`, and a zero-padded
 * width `{n:3}` → `007`. Left names the placeholder that is not one of these.
 */
export const expandTemplate = (text: string, n: number): Either.Either<string, string> => {
  let bad: string | undefined
  const out = text.replace(PLACEHOLDER, (whole, inner: string) => {
    const m = TERM.exec(inner)
    if (m === null) { bad ??= `unknown placeholder ${JSON.stringify(whole)} (use {n}, {n+K}, {K+n}, {n-K} or {n:WIDTH})`; return whole }
    const value = n + Number(m[1] ?? 0) + (m[2] === "-" ? -Number(m[3]) : Number(m[3] ?? 0))
    if (value < 0) { bad ??= `${whole} is negative for n=${n}`; return whole }
    return m[4] !== undefined ? String(value).padStart(Number(m[4]), "0") : String(value)
  })
  return bad !== undefined ? Either.left(bad) : Either.right(out)
}

const hasPlaceholder = (text: string) => /\{[^{}]*\}/.test(text)

/** The first Schema issue as `path: message` (paths like `controllers[3].identity.vendor`). */
const firstIssue = (error: ParseResult.ParseError, raw: unknown): FleetConfigError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const head = issues[0]
  if (head === undefined) return new FleetConfigError({ message: "invalid fleet file" })
  // A union (a structure as text or as an object) reports each alternative; our own message from a
  // text's parse (a Transformation at or under the same place) says more than "Expected {…}".
  const issue = issues.find((i) => i._tag === "Transformation" && !/^Expected /.test(i.message) && head.path.every((p, k) => i.path[k] === p)) ?? head
  const path = issue.path
  const message = issue._tag === "Unexpected"
    ? "unknown field"
    : issue.message.replace(/^Expected /, "expected ").replace(/, actual /, ", got ")
  // A key as written when it is a plain word, else quoted (a key may hold a newline or spaces).
  const fieldPath = (parts: ReadonlyArray<PropertyKey>) =>
    parts.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i > 0 ? "." : ""}${/^[A-Za-z_$][\w$-]*$/.test(String(p)) ? String(p) : JSON.stringify(String(p))}`)).join("")
  if (path[0] === "controllers" && typeof path[1] === "number") {
    const entry = path[1]
    const field = fieldPath(path.slice(2))
    return new FleetConfigError({ message: `${entryLabel(raw, entry)}: ${field === "" ? "" : `${field}: `}${message}`, entry, ...(field !== "" ? { field } : {}) })
  }
  const where = fieldPath(path)
  return new FleetConfigError({ message: where === "" ? message : `${where}: ${message}`, ...(where !== "" ? { field: where } : {}) })
}

/** `controllers[3] (plc{n})`: the index, and the name as written when there is one. */
const entryLabel = (raw: unknown, index: number): string => {
  const entries = typeof raw === "object" && raw !== null ? (raw as { controllers?: unknown }).controllers : undefined
  const entry = Array.isArray(entries) ? (entries[index] as unknown) : undefined
  const name = typeof entry === "object" && entry !== null ? (entry as { name?: unknown }).name : undefined
  if (typeof name !== "string") return `controllers[${index}]`
  // One line whatever the name holds: quoted when it has control characters or is long.
  return `controllers[${index}] (${/^[\x20-\x7e\u00a0-\uffff]{1,80}$/.test(name) ? name : JSON.stringify(name.slice(0, 80))})`
}

const decodeFile = Schema.decodeUnknownEither(FleetFileSchema, { onExcessProperty: "error", errors: "first" })

/** Check the file's shape against the Schema (no expansion yet). */
export const decodeFleetFile = (raw: unknown): Either.Either<FleetFile, FleetConfigError> =>
  Either.mapLeft(decodeFile(raw), (e) => firstIssue(e, raw))

/** Text → plain data: YAML (aliases bounded) or JSON; Left is one line with the position. */
export const parseFleetText = (text: string, format: "yaml" | "json"): Either.Either<unknown, FleetConfigError> => {
  if (format === "json") {
    try {
      return Either.right(JSON.parse(text) as unknown)
    } catch (e) {
      return Either.left(new FleetConfigError({ message: `not valid JSON: ${(e as Error).message.split("\n")[0]}` }))
    }
  }
  try {
    const doc = parseDocument(text, { uniqueKeys: true })
    const err = doc.errors[0]
    if (err !== undefined) {
      const pos = err.linePos?.[0]
      const what = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")
      return Either.left(new FleetConfigError({ message: `not valid YAML${pos ? ` (line ${pos.line}, column ${pos.col})` : ""}: ${what}` }))
    }
    return Either.right(doc.toJS({ maxAliasCount: 100 }) as unknown)
  } catch (e) {
    return Either.left(new FleetConfigError({ message: `not valid YAML: ${(e as Error).message.split("\n")[0]}` }))
  }
}

/** The resolved identity of member `n` (serial: template, numeric base + n, or undefined). */
const identityOf = (
  fields: IdentityFields,
  n: number,
  repeated: boolean
): Either.Either<Partial<IdentityConfig>, { readonly field: string; readonly message: string }> => {
  const out: { -readonly [K in keyof IdentityConfig]?: IdentityConfig[K] } = {}
  if (fields.vendor !== undefined) out.vendor = fields.vendor
  if (fields.deviceType !== undefined) out.deviceType = fields.deviceType
  if (fields.productCode !== undefined) out.productCode = fields.productCode
  if (fields.status !== undefined) out.status = fields.status
  if (fields.productName !== undefined) out.productName = fields.productName
  if (fields.state !== undefined) out.state = fields.state
  if (fields.revision !== undefined) {
    const r = fields.revision
    const pair = typeof r === "string" ? /^\s*(\d{1,3})\.(\d{1,3})\s*$/.exec(r)?.slice(1).map(Number) : [...r]
    if (pair === undefined || pair.length !== 2 || pair.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) {
      return Either.left({ field: "identity.revision", message: `expected MAJOR.MINOR with each 0..255, got ${JSON.stringify(r)}` })
    }
    out.revision = [pair[0]!, pair[1]!]
  }
  if (fields.serial !== undefined) {
    const s = fields.serial
    let value: number | undefined
    if (typeof s === "number") {
      value = Number.isInteger(s) ? s + (repeated ? n : 0) : undefined
    } else {
      const text = expandTemplate(s, n)
      if (Either.isLeft(text)) return Either.left({ field: "identity.serial", message: text.left })
      const base = parseNumber(text.right)
      value = base === undefined ? undefined : base + (repeated && !hasPlaceholder(s) ? n : 0)
    }
    if (value === undefined || value < 0 || value > 0xffffffff) {
      return Either.left({ field: "identity.serial", message: `expected a serial number 0..0xFFFFFFFF, got ${JSON.stringify(s)}${typeof s === "string" && hasPlaceholder(s) ? ` (n=${n})` : ""}` })
    }
    out.serial = value
  }
  return Either.right(out)
}

/** Resolve one entry (merged over the defaults) into its members. */
const expandEntry = (
  entry: FleetEntry,
  defaults: FleetFile["defaults"],
  fail: (field: string | undefined, message: string) => FleetConfigError
): Either.Either<ReadonlyArray<ControllerSpec & { readonly hasSerial: boolean }>, FleetConfigError> =>
  Either.gen(function* () {
    const modbus = entry.kind === "modbus"
    // A field of the other kind on the entry itself is a mistake; in defaults: it is for the others.
    const foreign = (modbus ? ENIP_ONLY : MODBUS_ONLY).find((k) => entry[k] !== undefined)
    if (foreign !== undefined) {
      return yield* Either.left(fail(foreign, modbus ? "not for kind: modbus (an EtherNet/IP controller's field)" : "only for kind: modbus"))
    }
    const d = defaults ?? {}
    const pick = <K extends keyof typeof d>(k: K) => (entry[k] !== undefined ? entry[k] : d[k])
    const repeated = entry.count !== undefined
    const count = entry.count ?? 1

    const registerTexts = modbus ? pick("registers") ?? [] : []
    if (modbus) {
      if (registerTexts.length === 0) return yield* Either.left(fail("registers", `a modbus device needs registers: (ranges like "40001-40100=0")`))
      // Checked here once; ranges with {n} are checked per device below.
      if (!registerTexts.some(hasPlaceholder)) {
        const r = planRuns(registerTexts)
        if (Either.isLeft(r)) return yield* Either.left(fail("registers", r.left.message))
      }
    }
    const units = modbus ? pick("units") : undefined

    const udts = modbus ? [] : pick("udts") ?? []
    const types = buildTypes(udts)
    if (Either.isLeft(types)) {
      const at = udts.findIndex((u) => u.name === types.left.udt)
      return yield* Either.left(fail(at >= 0 ? `udts[${at}]` : "udts", types.left.message))
    }
    const tagTexts = modbus ? [] : pick("tags") ?? []
    const tagsChecked = parseTagSpecs(tagTexts, types.right)
    if (Either.isLeft(tagsChecked)) {
      const at = tagTexts.indexOf(tagsChecked.left.spec)
      return yield* Either.left(fail(at >= 0 ? `tags[${at}]` : "tags", tagsChecked.left.message))
    }

    let delay: SimulatorConfig["delay"]
    const rawDelay = pick("delay")
    if (typeof rawDelay === "number") delay = rawDelay
    else if (rawDelay !== undefined) {
      const p = parseDelay(rawDelay)
      if (Option.isNone(p)) return yield* Either.left(fail("delay", `expected seconds like 0.5 or a range like "0.1-0.9", got ${JSON.stringify(rawDelay)}`))
      delay = p.value
    }

    let routePath: EPath | undefined
    const rawRoute = modbus ? undefined : pick("routePath")
    if (rawRoute === false || (typeof rawRoute === "string" && /^\s*(false|none|0)\s*$/i.test(rawRoute))) routePath = []
    else if (rawRoute !== undefined) {
      const r = parseRoutePath(rawRoute.trim())
      if (Either.isLeft(r)) return yield* Either.left(fail("routePath", `invalid route path ${JSON.stringify(rawRoute)}: ${r.left.message}`))
      routePath = r.right
    }

    const addressText = pick("address")
    const templated = addressText !== undefined && hasPlaceholder(addressText)
    const defaultAddress = modbus ? DEFAULT_MODBUS_ADDRESS : DEFAULT_ADDRESS
    let base: HostPort = defaultAddress
    if (addressText !== undefined && !templated) {
      const a = parseAddress(addressText, defaultAddress)
      if (Either.isLeft(a)) return yield* Either.left(fail("address", a.left))
      base = a.right
    }
    const identityFields: IdentityFields = modbus ? {} : { ...d.identity, ...entry.identity }
    const simple = modbus ? undefined : pick("simple")
    const udp = modbus ? undefined : pick("udp")
    const tcp = modbus ? undefined : pick("tcp")
    if (tcp === false && udp === false) return yield* Either.left(fail("tcp", "false with udp: false leaves nothing to serve"))
    const idleTimeout = pick("idleTimeout")
    const maxSessions = pick("maxSessions")
    const size = modbus ? undefined : pick("size")

    const members: Array<ControllerSpec & { readonly hasSerial: boolean }> = []
    for (let n = 1; n <= count; n++) {
      const name = Either.map(expandTemplate(entry.name, n), (t) => (repeated && !hasPlaceholder(entry.name) ? `${t}${n}` : t))
      if (Either.isLeft(name)) return yield* Either.left(fail("name", name.left))
      if (!NAME.test(name.right) || RESERVED_NAMES.has(name.right.toLowerCase())) {
        return yield* Either.left(fail("name", `${JSON.stringify(name.right)} is not a usable name (letters, digits, "_", "-", "." up to 64; not ${[...RESERVED_NAMES].join(", ")})`))
      }
      let address: HostPort
      if (templated) {
        const t = expandTemplate(addressText!, n)
        if (Either.isLeft(t)) return yield* Either.left(fail("address", t.left))
        const a = parseAddress(t.right, defaultAddress)
        if (Either.isLeft(a)) return yield* Either.left(fail("address", `${a.left} (n=${n})`))
        address = a.right
      } else {
        const a = nthAddress(base, n - 1)
        if (Either.isLeft(a)) return yield* Either.left(fail("address", a.left))
        address = a.right
      }
      if (modbus) {
        const registers: Array<string> = []
        for (const [i, text] of registerTexts.entries()) {
          const t = expandTemplate(text, n)
          if (Either.isLeft(t)) return yield* Either.left(fail(`registers[${i}]`, t.left))
          registers.push(t.right)
        }
        if (registerTexts.some(hasPlaceholder)) {
          const r = planRuns(registers)
          if (Either.isLeft(r)) return yield* Either.left(fail("registers", `${r.left.message} (n=${n})`))
        }
        members.push({
          name: name.right,
          kind: "modbus",
          host: address.host,
          port: address.port,
          registers,
          hasSerial: true,
          ...(units !== undefined ? { units } : {}),
          ...(delay !== undefined ? { delay } : {}),
          ...(idleTimeout !== undefined ? { idleTimeout } : {}),
          ...(maxSessions !== undefined ? { maxSessions } : {})
        })
        continue
      }
      const signals: Array<string> = []
      for (const [i, text] of (pick("signals") ?? []).entries()) {
        const t = expandTemplate(text, n)
        if (Either.isLeft(t)) return yield* Either.left(fail(`signals[${i}]`, t.left))
        const p = parseSignal(t.right)
        if (Either.isLeft(p)) return yield* Either.left(fail(`signals[${i}]`, `${p.left.message}${hasPlaceholder(text) ? ` (n=${n})` : ""}`))
        signals.push(t.right)
      }
      const identity = identityOf(identityFields, n, repeated)
      if (Either.isLeft(identity)) return yield* Either.left(fail(identity.left.field, identity.left.message))
      members.push({
        name: name.right,
        kind: "enip",
        host: address.host,
        port: address.port,
        tags: tagTexts,
        ...(udts.length > 0 ? { udts } : {}),
        ...(signals.length > 0 ? { signals } : {}),
        identity: identity.right,
        hasSerial: identityFields.serial !== undefined,
        ...(delay !== undefined ? { delay } : {}),
        ...(routePath !== undefined ? { routePath } : {}),
        ...(simple !== undefined ? { simple } : {}),
        ...(udp !== undefined ? { udp } : {}),
        ...(tcp !== undefined ? { tcp } : {}),
        ...(idleTimeout !== undefined ? { idleTimeout } : {}),
        ...(maxSessions !== undefined ? { maxSessions } : {}),
        ...(size !== undefined ? { maxFrame: size } : {})
      })
    }
    return members
  })

/**
 * Check a decoded fleet file and expand it into its controllers, in file order. A controller
 * with no serial anywhere gets the default serial + its position in the fleet (1-based), so
 * every identity differs; names and non-zero `host:port` pairs must be unique.
 */
export const resolveFleet = (file: FleetFile, raw: unknown = file): Either.Either<ReadonlyArray<ControllerSpec>, FleetConfigError> =>
  Either.gen(function* () {
    const total = file.controllers.reduce((sum, e) => sum + (e.count ?? 1), 0)
    if (total > MAX_CONTROLLERS) return yield* Either.left(new FleetConfigError({ message: `${total} controllers: at most ${MAX_CONTROLLERS} in one fleet` }))
    const out: Array<ControllerSpec> = []
    const names = new Map<string, number>()
    const addresses = new Map<string, number>()
    const ports = new Map<string, number>()
    for (let i = 0; i < file.controllers.length; i++) {
      const fail = (field: string | undefined, message: string) =>
        new FleetConfigError({ message: `${entryLabel(raw, i)}: ${field !== undefined ? `${field}: ` : ""}${message}`, entry: i, ...(field !== undefined ? { field } : {}) })
      const members = yield* expandEntry(file.controllers[i]!, file.defaults, fail)
      for (const { hasSerial, ...m } of members) {
        const key = m.name.toLowerCase()
        const clash = names.get(key)
        if (clash !== undefined) return yield* Either.left(fail("name", `${JSON.stringify(m.name)} is also the name of a controller of ${entryLabel(raw, clash)}`))
        names.set(key, i)
        if (m.port !== 0) {
          // A wildcard listener on a port takes that port on every address (and vice versa).
          const where = formatHostPort(m)
          const wild = WILDCARD_HOSTS.has(m.host)
          const other = addresses.get(where) ?? ports.get(`*:${m.port}`) ?? (wild ? ports.get(`${m.port}`) : undefined)
          if (other !== undefined) return yield* Either.left(fail("address", `${m.name} at ${where}: that address is also taken by ${entryLabel(raw, other)}`))
          addresses.set(where, i)
          ports.set(wild ? `*:${m.port}` : `${m.port}`, i)
        }
        out.push(hasSerial || m.kind === "modbus" ? m : { ...m, identity: { ...m.identity, serial: (DEFAULT_IDENTITY.serial + out.length + 1) >>> 0 } })
      }
    }
    return out
  })

/** The format a fleet file's name implies: `.json` is JSON, anything else YAML. */
export const fleetFormatOf = (path: string): "yaml" | "json" => (/\.json$/i.test(path) ? "json" : "yaml")

/**
 * Parse, check and expand a fleet file's text: the controllers to build, or one error line.
 * Pure (a fuzz target): any text gives a Right or a Left, never a throw.
 */
export const parseFleetConfig = (text: string, format: "yaml" | "json"): Either.Either<ReadonlyArray<ControllerSpec>, FleetConfigError> =>
  Either.flatMap(parseFleetText(text, format), (raw) => Either.flatMap(decodeFleetFile(raw), (file) => resolveFleet(file, raw)))

/**
 * Target `fleet-config`: a fleet file (`cpppo enip fleet -c FILE`, a Kubernetes ConfigMap) as
 * YAML or JSON (the first byte's low bit chooses), through `parseFleetConfig`. Contract:
 *
 * - a FleetConfigError with one non-empty line naming the entry it blames, or the controllers —
 *   never a throw;
 * - every controller it returns can be built: a usable unique name, a unique address, a port,
 *   tag specs that parse together, identity values in range, finite numbers;
 * - round trip: the controllers written back as a plain fleet file (one entry each, no defaults,
 *   no count) parse to the same controllers;
 * - shards (`--shard I/N`, N from the first byte) take every controller exactly once, in order.
 */
import { Either } from "effect"
import type { EPath } from "../../../src/cip/model.js"
import { formatHostPort } from "../../../src/server/addressRange.js"
import { type ControllerSpec, FleetConfigError, parseFleetConfig } from "../../../src/server/fleetConfig.js"
import { MAX_CONTROLLERS } from "../../../src/server/fleetSchema.js"
import { shardOf } from "../../../src/server/shard.js"
import { planRuns } from "../../../src/modbus/registers.js"
import { parseTagSpecs } from "../../../src/tags/spec.js"
import { broken, roundTrip, show } from "./contract.js"

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

/** A route path as the JSON segments parseRoutePath reads, or undefined if one has no JSON form. */
const routeJson = (path: EPath): string | undefined => {
  const out: Array<Record<string, unknown>> = []
  for (const s of path) {
    switch (s._tag) {
      case "Port": out.push({ port: s.port, link: s.link }); break
      case "Class": out.push({ class: s.id }); break
      case "Instance": out.push({ instance: s.id }); break
      case "Attribute": out.push({ attribute: s.id }); break
      case "Element": out.push({ element: s.index }); break
      case "ConnectionPoint": out.push({ connection: s.id }); break
      case "Symbolic": out.push({ symbolic: s.name }); break
      default: return undefined
    }
  }
  return JSON.stringify(out)
}

const DECIMAL = /^\d+(\.\d+)?$/

/** One controller as a fleet-file entry, and the controller as that entry can express it. */
const entryOf = (c: ControllerSpec): { entry: Record<string, unknown>; expect: Record<string, unknown> } => {
  const expect: Record<string, unknown> = { ...c }
  let entry: Record<string, unknown>
  let routePath: EPath | undefined
  if (c.kind === "modbus") {
    const { kind, host: _host, port: _port, name, delay: _delay, ...rest } = c
    entry = { name, kind, address: formatHostPort(c), ...rest }
  } else {
    const { kind: _kind, host: _host, port: _port, name, tags, identity, delay: _delay, routePath: route, maxFrame, ...rest } = c
    entry = { name, address: formatHostPort(c), tags, identity, ...rest }
    if (maxFrame !== undefined) entry["size"] = maxFrame
    routePath = route
  }
  const delay = c.delay
  if (typeof delay === "number") entry["delay"] = delay
  else if (delay !== undefined) {
    const text = `${delay[0]}-${delay[1]}`
    // A range whose ends print in exponent form cannot be written back as "LO-HI": left out.
    if (DECIMAL.test(String(delay[0])) && DECIMAL.test(String(delay[1]))) entry["delay"] = text
    else delete expect["delay"]
  }
  if (routePath !== undefined) {
    const json = routeJson(routePath)
    if (json !== undefined) entry["routePath"] = routePath.length === 0 ? false : json
    else delete expect["routePath"]
  }
  return { entry, expect }
}

const finite = (v: unknown): boolean =>
  typeof v === "number" ? Number.isFinite(v) : Array.isArray(v) ? v.every(finite) : typeof v === "object" && v !== null ? Object.values(v).every(finite) : true

const check = (controllers: ReadonlyArray<ControllerSpec>): void => {
  if (controllers.length > MAX_CONTROLLERS) broken(`${controllers.length} controllers exceed ${MAX_CONTROLLERS}`)
  const names = new Set<string>()
  const addresses = new Set<string>()
  for (const c of controllers) {
    if (!NAME.test(c.name)) broken(`unusable controller name ${JSON.stringify(c.name)}`)
    if (names.has(c.name.toLowerCase())) broken(`two controllers named ${c.name}`)
    names.add(c.name.toLowerCase())
    if (!Number.isInteger(c.port) || c.port < 0 || c.port > 0xffff) broken(`${c.name}: port ${c.port}`)
    if (c.port !== 0) {
      const at = formatHostPort(c)
      if (addresses.has(at)) broken(`two controllers at ${at}`)
      addresses.add(at)
    }
    if (!finite(c)) broken(`${c.name}: a number that is not finite: ${show(c)}`)
    if (c.kind === "modbus") {
      if (Either.isLeft(planRuns(c.registers))) broken(`${c.name}: registers ${show(c.registers)} do not plan`)
      if (c.units !== undefined && !c.units.every((u) => Number.isInteger(u) && u >= 0 && u <= 255)) broken(`${c.name}: units ${show(c.units)}`)
      continue
    }
    if (Either.isLeft(parseTagSpecs(c.tags))) broken(`${c.name}: tags ${show(c.tags)} do not parse together`)
    const { serial, vendor, deviceType, productCode, productName, revision } = c.identity
    if (serial !== undefined && !(Number.isInteger(serial) && serial >= 0 && serial <= 0xffffffff)) broken(`${c.name}: serial ${serial}`)
    for (const [k, v] of [["vendor", vendor], ["deviceType", deviceType], ["productCode", productCode]] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v >= 0 && v <= 0xffff)) broken(`${c.name}: ${k} ${v}`)
    }
    if (productName !== undefined && productName.length > 32) broken(`${c.name}: product name of ${productName.length} characters`)
    if (revision !== undefined && !revision.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) broken(`${c.name}: revision ${show(revision)}`)
  }
}

export const fuzz = (data: Buffer): void => {
  const format = ((data[0] ?? 0) & 1) === 0 ? "yaml" : "json"
  const shards = 1 + ((data[0] ?? 0) >> 1) % 7
  const text = data.subarray(1).toString("utf8")
  const parsed = parseFleetConfig(text, format)
  if (Either.isLeft(parsed)) {
    const e = parsed.left
    if (!(e instanceof FleetConfigError)) broken(`parseFleetConfig failed with ${String(e)}`)
    if (e.message === "" || e.message.includes("\n")) broken(`error is not one line: ${JSON.stringify(e.message)}`)
    if (e.entry !== undefined && !e.message.startsWith(`controllers[${e.entry}]`)) broken(`error for entry ${e.entry} does not name it: ${e.message}`)
    return
  }
  const controllers = parsed.right
  check(controllers)
  // Written back one entry per controller (JSON), the file means the same controllers.
  const written = controllers.map(entryOf)
  const again = parseFleetConfig(JSON.stringify({ controllers: written.map((w) => w.entry) }), "json")
  if (Either.isLeft(again)) broken(`the controllers written back do not parse: ${again.left.message}`)
  const back = (again as Either.Right<never, ReadonlyArray<ControllerSpec>>).right.map((c, i) => {
    const out: Record<string, unknown> = { ...c }
    for (const k of ["delay", "routePath"]) if (!(k in written[i]!.expect)) delete out[k]
    return out
  })
  roundTrip("fleet file", written.map((w) => w.expect), back)
  // Shards cover the fleet exactly once, in order.
  const joined = Array.from({ length: shards }, (_, index) => shardOf(controllers, { index, count: shards })).flat()
  if (joined.length !== controllers.length || joined.some((c, i) => c !== controllers[i])) broken(`${shards} shards do not cover the ${controllers.length} controllers once`)
}

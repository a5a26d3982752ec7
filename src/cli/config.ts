/**
 * Configuration files for `cpppo enip server`: cpppo's INI files (`cpppo.cfg`: the `[Identity]`,
 * `[TCPIP]` and `[UCMM]` sections, found where cpppo looks for them, plus each `-c FILE`) and JSON
 * files (`-c FILE.json`: `identity`, `network`, `routePath`). Later files override earlier ones;
 * a key this simulator does not know is refused, naming the file and the key; a key of cpppo's
 * that this simulator does not implement is reported as ignored.
 */
import { Either } from "effect"
import { existsSync, readFileSync } from "node:fs"
import { homedir } from "node:os"
import { join } from "node:path"
import { parseRoutePath } from "../cip/epath.js"
import type { EPath } from "../cip/model.js"
import type { IdentityConfig, NetworkConfig } from "../device/identity.js"
import { suggest } from "./argv.js"
import { type Ini, iniValue, parseIni } from "./ini.js"

type Mutable<T> = { -readonly [K in keyof T]?: T[K] }

/** What the files (and the identity options) configure. */
export interface DeviceFileConfig {
  readonly identity: Mutable<IdentityConfig>
  readonly network: Mutable<NetworkConfig>
  /** From `[UCMM] Route Path` or JSON `routePath`; `[]` accepts only unrouted requests. */
  routePath?: EPath
  /** Files read, in order. */
  readonly loaded: Array<string>
  /** Keys of cpppo's this simulator does not implement (ignored). */
  readonly ignored: Array<string>
}

export const emptyFileConfig = (): DeviceFileConfig => ({ identity: {}, network: {}, loaded: [], ignored: [] })

/** Where cpppo looks for `NAME.cfg`, most general first (the last one read wins). */
export const defaultConfigFiles = (basename = "cpppo"): ReadonlyArray<string> => {
  const name = `${basename}.cfg`
  return [join(process.env["APPDATA"] ?? "/etc", name), join(homedir(), ".cpppo", name), join(homedir(), `.${name}`), name]
}

const WHOLE = /^[+-]?(\d+|0x[0-9a-f]+)$/i

/** Identity fields: JSON name, cpppo's INI key, and the largest value (or "text"/"revision"). */
const IDENTITY: ReadonlyArray<readonly [keyof IdentityConfig, string, number | "text" | "revision"]> = [
  ["vendor", "Vendor Number", 0xffff], ["deviceType", "Device Type", 0xffff], ["productCode", "Product Code Number", 0xffff],
  ["revision", "Product Revision", "revision"], ["status", "Status Word", 0xffff], ["serial", "Serial Number", 0xffffffff],
  ["productName", "Product Name", "text"], ["state", "State", 0xff], ["configConsistency", "Configuration Consistency Value", 0xffff],
  ["heartbeat", "Heartbeat Interval", 0xff]
]
const NETWORK: ReadonlyArray<keyof NetworkConfig> = ["ip", "mask", "gateway", "dns1", "dns2", "domain", "hostName", "mac", "speed"]
/** cpppo's TCP/IP `Interface Configuration` JSON keys → ours. */
const INTERFACE: Record<string, keyof NetworkConfig> = {
  ip_address: "ip", network_mask: "mask", gateway_address: "gateway", dns_primary: "dns1", dns_secondary: "dns2", domain_name: "domain"
}
/** cpppo keys whose values this simulator fixes (shown as ignored). */
const FIXED: Record<string, ReadonlyArray<string>> = {
  TCPIP: ["Interface Status", "Configuration Capability", "Configuration Control", "Path to Physical Link", "Revision"],
  UCMM: ["Route"]
}

const unknownKey = (where: string, key: string, known: ReadonlyArray<string>) => {
  const near = suggest(key.toLowerCase(), known.map((k) => k.toLowerCase()))
  const hint = near !== undefined ? known.find((k) => k.toLowerCase() === near)! : undefined
  return `${where}: unknown key ${JSON.stringify(key)} (${hint !== undefined ? `did you mean ${JSON.stringify(hint)}?` : `known: ${known.join(", ")}`})`
}

/** Check and store one identity value (from a file or an option); a message when it is bad. */
export const setIdentity = (into: DeviceFileConfig, key: keyof IdentityConfig, value: unknown, where: string): string | undefined => {
  const field = IDENTITY.find(([k]) => k === key)!
  const kind = field[2]
  const bad = (want: string) => `${where}: ${field[0]} must be ${want}, not ${JSON.stringify(value)}`
  if (kind === "text") {
    if (typeof value !== "string" || value.length > 32) return bad("text of at most 32 characters")
    into.identity.productName = value
    return undefined
  }
  if (kind === "revision") {
    // "20.11", [20, 11], or cpppo's 16-bit INT (major in the low byte: 2836 = 0x0B14 = 20.11).
    // The number must be a whole 0..0xffff: its bits are not silently dropped (70000, -1, 20.11).
    const m = typeof value === "string" ? /^\s*(\d+)\.(\d+)\s*$/.exec(value) : null
    const whole = typeof value === "number" ? value : typeof value === "string" && WHOLE.test(value.trim()) ? Number(value.trim()) : undefined
    const pair = m !== null ? [Number(m[1]), Number(m[2])]
      : Array.isArray(value) ? value
      : whole !== undefined && Number.isInteger(whole) && whole >= 0 && whole <= 0xffff ? [whole & 0xff, whole >> 8]
      : undefined
    if (pair === undefined || pair.length !== 2 || !pair.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return bad("MAJOR.MINOR (each 0..255) or a 16-bit number")
    into.identity.revision = [pair[0] as number, pair[1] as number]
    return undefined
  }
  const n = typeof value === "number" ? value : typeof value === "string" && WHOLE.test(value.trim()) ? Number(value.trim()) : NaN
  if (!Number.isInteger(n) || n < 0 || n > kind) return bad(`a whole number 0..${kind}`)
  ;(into.identity as Record<string, number>)[key] = n
  return undefined
}

const readText = (file: string): Either.Either<string, string> => {
  try {
    return Either.right(readFileSync(file, "utf8"))
  } catch (e) {
    return Either.left(`cannot read config ${file}: ${(e as Error).message}`)
  }
}

const routeFrom = (text: string, where: string): Either.Either<EPath | undefined, string> => {
  const t = text.trim()
  if (/^(null|none)$/i.test(t)) return Either.right(undefined)
  if (/^(false|0|\[\])$/i.test(t)) return Either.right([])
  const r = parseRoutePath(t)
  return Either.isLeft(r) ? Either.left(`${where}: invalid route path ${JSON.stringify(t)}: ${r.left.message}`) : Either.right(r.right)
}

/** Apply the keys of one INI file (`own`) to `into`; values interpolate over every file read (`all`). */
const applyIni = (all: Ini, own: Ini, file: string, into: DeviceFileConfig): string | undefined => {
  const get = (section: string, key: string): Either.Either<string | undefined, string> =>
    own.get(section)?.has(key.toLowerCase()) === true ? iniValue(all, section, key) : Either.right(undefined)
  const check = (section: string, known: ReadonlyArray<string>) => {
    for (const key of own.get(section)?.keys() ?? []) {
      const k = known.find((x) => x.toLowerCase() === key)
      if (k === undefined) return unknownKey(`${file} [${section}]`, key, known)
    }
    return undefined
  }
  const identityKeys = IDENTITY.map(([, k]) => k)
  const bad = check("Identity", identityKeys) ?? check("TCPIP", ["Host Name", "Interface Configuration", ...FIXED["TCPIP"]!]) ?? check("UCMM", ["Route Path", ...FIXED["UCMM"]!])
  if (bad !== undefined) return bad
  for (const [field, key] of IDENTITY) {
    const v = get("Identity", key)
    if (Either.isLeft(v)) return v.left
    if (v.right !== undefined) {
      const err = setIdentity(into, field, v.right, `${file} [Identity] ${key}`)
      if (err !== undefined) return err
    }
  }
  const host = get("TCPIP", "Host Name")
  if (Either.isLeft(host)) return host.left
  if (host.right !== undefined) into.network.hostName = host.right
  const iface = get("TCPIP", "Interface Configuration")
  if (Either.isLeft(iface)) return iface.left
  if (iface.right !== undefined) {
    let parsed: unknown
    try { parsed = JSON.parse(iface.right) } catch (e) { return `${file} [TCPIP] Interface Configuration: not JSON: ${(e as Error).message}` }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return `${file} [TCPIP] Interface Configuration: not a JSON object`
    for (const [k, v] of Object.entries(parsed)) {
      const ours = INTERFACE[k]
      if (ours === undefined) return unknownKey(`${file} [TCPIP] Interface Configuration`, k, Object.keys(INTERFACE))
      if (typeof v !== "string") return `${file} [TCPIP] Interface Configuration: ${k} must be text`
      ;(into.network as Record<string, string>)[ours] = v
    }
  }
  const route = get("UCMM", "Route Path")
  if (Either.isLeft(route)) return route.left
  if (route.right !== undefined) {
    const r = routeFrom(route.right, `${file} [UCMM] Route Path`)
    if (Either.isLeft(r)) return r.left
    if (r.right !== undefined) into.routePath = r.right
  }
  for (const [section, keys] of Object.entries(FIXED)) {
    for (const key of keys) if (own.get(section)?.has(key.toLowerCase()) === true) into.ignored.push(`${file} [${section}] ${key}`)
  }
  return undefined
}

/** Apply a JSON config: `{ identity: {…}, network: {…}, routePath }` (identity fields may also sit at the top). */
const applyJson = (text: string, file: string, into: DeviceFileConfig): string | undefined => {
  let doc: unknown
  try { doc = JSON.parse(text) } catch (e) { return `cannot read config ${file}: ${(e as Error).message}` }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return `cannot read config ${file}: not a JSON object`
  const identityKeys = IDENTITY.map(([k]) => k as string)
  const top = ["identity", "network", "routePath", ...identityKeys]
  for (const [key, value] of Object.entries(doc)) {
    if (!top.includes(key)) return unknownKey(file, key, top)
    if (key === "identity" || key === "network") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return `${file}: ${key} must be an object`
      const known = key === "identity" ? identityKeys : NETWORK as ReadonlyArray<string>
      for (const [k, v] of Object.entries(value)) {
        if (!known.includes(k)) return unknownKey(`${file} ${key}`, k, known)
        if (key === "identity") {
          const err = setIdentity(into, k as keyof IdentityConfig, v, `${file} identity`)
          if (err !== undefined) return err
        } else {
          if (k === "speed" ? typeof v !== "number" : typeof v !== "string") return `${file}: network.${k} must be ${k === "speed" ? "a number" : "text"}`
          ;(into.network as Record<string, unknown>)[k] = v
        }
      }
    } else if (key === "routePath") {
      if (typeof value !== "string") return `${file}: routePath must be text such as "1/0" or "none"`
      const r = routeFrom(value, `${file} routePath`)
      if (Either.isLeft(r)) return r.left
      into.routePath = r.right ?? []
    } else {
      const err = setIdentity(into, key as keyof IdentityConfig, value, file)
      if (err !== undefined) return err
    }
  }
  return undefined
}

/**
 * Read the config files: cpppo's default places (unless `noDefaults`), then each of `files` in
 * order (`.json` as JSON, anything else as INI). A named file that cannot be read is an error; a
 * default place with no file is skipped.
 */
export const loadConfigFiles = (files: ReadonlyArray<string>, options: { readonly noDefaults?: boolean; readonly basename?: string } = {}): Either.Either<DeviceFileConfig, string> => {
  const into = emptyFileConfig()
  const ini: Ini = new Map()
  const wanted = [...(options.noDefaults === true ? [] : defaultConfigFiles(options.basename).filter((f) => existsSync(f))), ...files]
  for (const file of wanted) {
    const text = readText(file)
    if (Either.isLeft(text)) return Either.left(text.left)
    into.loaded.push(file)
    if (/\.json$/i.test(file)) {
      const err = applyJson(text.right, file, into)
      if (err !== undefined) return Either.left(err)
      continue
    }
    // As configparser: every INI file read goes into one set of sections (for `${…}`), later
    // keys winning; only this file's own keys are applied now, so a JSON file read in between
    // is not overridden by an earlier INI file.
    const own = parseIni(text.right, file)
    if (Either.isLeft(own)) return Either.left(own.left)
    parseIni(text.right, file, ini)
    const err = applyIni(ini, own.right, file, into)
    if (err !== undefined) return Either.left(err)
  }
  return Either.right(into)
}

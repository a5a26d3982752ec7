/**
 * INI files as Python's configparser reads cpppo's `cpppo.cfg`: `[Section]` headers, `key = value`
 * or `key: value` (split at the first `=` or `:`), keys without case, `#`/`;` comment lines and
 * ` #` trailing comments, indented continuation lines, a `[DEFAULT]` section every section
 * inherits, and `${key}` / `${section:key}` interpolation (`$$` is a `$`).
 */
import { Either } from "effect"

/** Sections by name (case kept), each a map of lower-cased key → value (undefined: key alone). */
export type Ini = Map<string, Map<string, string | undefined>>

/** Parse `text` (from `file`, for messages) into `into` (later files override earlier keys). */
export const parseIni = (text: string, file: string, into: Ini = new Map()): Either.Either<Ini, string> => {
  let section: Map<string, string | undefined> | undefined
  let last: string | undefined
  const lines = text.split(/\r?\n/)
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!
    const where = `${file}:${n + 1}`
    if (/^\s*[#;]/.test(raw)) continue
    const line = raw.replace(/\s+#.*$/, "")
    if (line.trim() === "") { last = undefined; continue }
    if (/^\s/.test(line) && last !== undefined && section !== undefined) {
      section.set(last, `${section.get(last) ?? ""}\n${line.trim()}`)
      continue
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line)
    if (header !== null) {
      const name = header[1]!
      section = into.get(name) ?? new Map()
      into.set(name, section)
      last = undefined
      continue
    }
    if (section === undefined) return Either.left(`${where}: a key before any [Section] header`)
    const kv = /^(.*?)\s*([=:])\s*(.*)$/.exec(line)
    const key = (kv !== null ? kv[1]! : line).trim().toLowerCase()
    if (key === "") return Either.left(`${where}: a line with no key: ${JSON.stringify(raw.trim())}`)
    section.set(key, kv !== null ? kv[3]! : undefined)
    last = key
  }
  return Either.right(into)
}

/** Value of `key` in `section` (or DEFAULT), with `${…}` interpolated; undefined when absent. */
export const iniValue = (ini: Ini, section: string, key: string, depth = 0): Either.Either<string | undefined, string> => {
  const k = key.toLowerCase()
  const own = ini.get(section)
  const raw = own?.has(k) === true ? own.get(k) : ini.get("DEFAULT")?.get(k)
  if (raw === undefined) return Either.right(undefined)
  if (depth > 10) return Either.left(`[${section}] ${key}: interpolation nested too deeply`)
  let failure: string | undefined
  const value = raw.replace(/\$(\$|\{([^}]*)\})/g, (_, dollar: string, ref: string | undefined) => {
    if (dollar === "$") return "$"
    const [s, r] = ref!.includes(":") ? [ref!.slice(0, ref!.indexOf(":")), ref!.slice(ref!.indexOf(":") + 1)] : [section, ref!]
    const v = iniValue(ini, s, r, depth + 1)
    if (Either.isLeft(v)) { failure = v.left; return "" }
    if (v.right === undefined) { failure = `[${section}] ${key}: \${${ref}} is not defined`; return "" }
    return v.right
  })
  return failure !== undefined ? Either.left(failure) : Either.right(value)
}

/**
 * Dotted data paths in a plain data object, like cpppo's `dotdict`: `"enip.header.length"` names
 * `data.enip.header.length`. An empty segment (`"a..b"`) steps up one level, so a path given
 * relative to a machine's context (`"..length"`) can reach a sibling field.
 *
 * @module
 */

/** The data a machine collects: nested plain objects keyed by path segment. */
export interface Data {
  [key: string]: unknown
}

/** Joins a base path and a context with `.` (either may be empty). */
export const joinPath = (base: string, context: string | undefined): string =>
  context === undefined || context === "" ? base : base === "" ? context : base + "." + context

/**
 * Resolves `rel` against `base`: a `rel` starting with `.` is appended directly (cpppo's
 * extension style, so `"..x"` is a sibling of `base`), anything else is joined with `.`. The
 * result has its empty segments applied as "up one level".
 */
export const resolvePath = (base: string, rel: string): string =>
  normalizePath(rel.startsWith(".") ? base + rel : joinPath(base, rel))

/**
 * Applies empty segments as "up one level": `"a.b..c"` → `"a.c"`. A leading `.` (a relative path
 * appended to the root's empty path: `"" + ".x"`) names a child of the root: `".x"` → `"x"`.
 */
export const normalizePath = (path: string): string => {
  if (!path.includes("..") && !path.startsWith(".")) return path
  const out: Array<string> = []
  for (const seg of path.split(".")) {
    if (seg === "") out.pop()
    else out.push(seg)
  }
  return out.join(".")
}

/** The value at a dotted path, or undefined. */
export const getPath = (data: Data, path: string): unknown => {
  let cur: unknown = data
  for (const key of path.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined
    cur = (cur as Data)[key]
  }
  return cur
}

/** The object holding the last segment of `keys`, created on the way if missing. */
const parentOf = (data: Data, keys: ReadonlyArray<string>): Data => {
  let cur = data
  for (let i = 0; i < keys.length - 1; i++) {
    const k = keys[i]!
    const next = cur[k]
    if (typeof next === "object" && next !== null && !Array.isArray(next) && !(next instanceof Uint8Array)) {
      cur = next as Data
    } else {
      const made: Data = {}
      cur[k] = made
      cur = made
    }
  }
  return cur
}

/** Sets the value at a dotted path, creating intermediate objects. */
export const setPath = (data: Data, path: string, value: unknown): void => setKeys(data, path.split("."), value)

/** Sets the value at a path already split into keys. */
export const setKeys = (data: Data, keys: ReadonlyArray<string>, value: unknown): void => {
  parentOf(data, keys)[keys[keys.length - 1]!] = value
}

/**
 * Appends collected input at a path: text is kept as a string, bytes as an array of numbers
 * (cpppo keeps an `array.array`).
 */
export const appendInput = (data: Data, keys: ReadonlyArray<string>, piece: string | number, text: boolean): void => {
  const parent = parentOf(data, keys)
  const last = keys[keys.length - 1]!
  const prev = parent[last]
  if (text) {
    const s = typeof piece === "number" ? String.fromCodePoint(piece) : piece
    parent[last] = typeof prev === "string" ? prev + s : s
  } else {
    const arr = Array.isArray(prev) ? (prev as Array<number>) : (parent[last] = []) as Array<number>
    if (typeof piece === "number") arr.push(piece)
  }
}

/** Appends a run of text at a path (the regex machines' bulk path). */
export const appendText = (data: Data, keys: ReadonlyArray<string>, s: string): void => {
  const p = parentOf(data, keys)
  const k = keys[keys.length - 1]!
  const prev = p[k]
  p[k] = typeof prev === "string" ? prev + s : s
}

/** Appends `chunk[from..to)` at a path, as numbers (the regex machines' bulk path over bytes). */
export const appendBytes = (data: Data, keys: ReadonlyArray<string>, chunk: Uint8Array, from: number, to: number): void => {
  const p = parentOf(data, keys)
  const k = keys[keys.length - 1]!
  const prev = p[k]
  const arr = Array.isArray(prev) ? (prev as Array<number>) : ((p[k] = []) as Array<number>)
  for (let i = from; i < to; i++) arr.push(chunk[i]!)
}

/** A per-owner memo of a path string split into keys (paths repeat per symbol in a hot loop). */
export class PathKeys {
  private path: string | undefined
  private keys: ReadonlyArray<string> = []
  get(path: string): ReadonlyArray<string> {
    if (path !== this.path) {
      this.path = path
      this.keys = path.split(".")
    }
    return this.keys
  }
}

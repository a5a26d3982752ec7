/**
 * Parsing of web API paths: `/api[/group[/match[/command[/value]]]]`, as cpppo's web API spells
 * them. Pure functions; the HTTP layer calls them and turns a Left into a `success: false` reply.
 *
 * - missing parts and `*` match everything; `match` is a glob (`*`, `?`, `[abc]`, `[!abc]`; see glob.ts);
 * - `command=value` may be one path element (`tags/SCADA/error=8` ≡ `tags/SCADA/error/8`);
 * - a trailing `.json` on the last element forces a JSON reply;
 * - a command may carry an element index or range: `attribute[3]`, `attribute[0-9]`.
 */
import { Either } from "effect"

/** One parsed API request (the path only; headers are the HTTP layer's business). */
export interface ApiPath {
  /** Group pattern (`*` when absent). */
  readonly group: string
  /** Item pattern within the group (`*` when absent). */
  readonly match: string
  /** The command, e.g. `error` or `attribute[3]`; undefined for a plain query. */
  readonly command: string | undefined
  /** The command's value as text; undefined for a read. A value makes the request state-changing. */
  readonly value: string | undefined
  /** The path ended in `.json`. */
  readonly json: boolean
}

/** A command name with its optional element index range (`attribute[3-5]` → 3, 5). */
export interface ParsedCommand {
  readonly name: string
  readonly range: { readonly start: number; readonly end: number } | undefined
}

/** Decode one path element; a malformed %-escape is an error, not a throw. */
const decodeSegment = (s: string): Either.Either<string, string> => {
  try {
    return Either.right(decodeURIComponent(s))
  } catch {
    return Either.left(`malformed %-escape in ${JSON.stringify(s)}`)
  }
}

/**
 * Parse the part of a URL path after `/api` (with or without the leading `/api`).
 * Query strings must already be removed.
 */
export const parseApiPath = (path: string): Either.Either<ApiPath, string> => {
  let rest = path.replace(/^\/+/, "")
  if (rest === "api" || rest === "api.json" || rest.startsWith("api/")) rest = rest.slice(3)
  else return Either.left(`not an API path: ${JSON.stringify(path)}`)
  let json = false
  if (rest === ".json") { json = true; rest = "" }
  const raw = rest.split("/").filter((s) => s !== "")
  const parts: Array<string> = []
  for (const r of raw) {
    const d = decodeSegment(r)
    if (Either.isLeft(d)) return Either.left(d.left)
    parts.push(d.right)
  }
  if (parts.length > 0 && parts[parts.length - 1]!.endsWith(".json")) {
    json = true
    const last = parts[parts.length - 1]!.slice(0, -5)
    if (last === "") parts.pop()
    else parts[parts.length - 1] = last
  }
  const [group = "*", match = "*", commandPart, valuePart, ...extra] = parts
  if (group.includes("=") || match.includes("=")) {
    return Either.left(`a value may only follow a command (group/match/command=value): ${JSON.stringify(parts.join("/"))}`)
  }
  let command = commandPart
  let value = valuePart
  if (command !== undefined) {
    const eq = command.indexOf("=")
    if (eq >= 0) {
      if (value !== undefined) return Either.left(`command ${JSON.stringify(command)} has two values`)
      value = command.slice(eq + 1)
      command = command.slice(0, eq)
    }
    if (command === "") return Either.left("empty command name")
  }
  if (extra.length > 0) return Either.left(`too many path elements after the value: ${JSON.stringify(extra.join("/"))}`)
  return Either.right({ group, match, command, value, json })
}

/** `attribute[3]`, `attribute[0-9]`, `error` → name and element range (inclusive end). */
export const parseCommand = (command: string): Either.Either<ParsedCommand, string> => {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[\s*(\d+)\s*(?:-\s*(\d+)\s*)?\])?$/.exec(command)
  if (m === null) return Either.left(`malformed command ${JSON.stringify(command)} (expected NAME or NAME[i] or NAME[i-j])`)
  if (m[2] === undefined) return Either.right({ name: m[1]!, range: undefined })
  const start = Number(m[2])
  const end = m[3] === undefined ? start : Number(m[3])
  if (end < start) return Either.left(`empty element range in ${JSON.stringify(command)}`)
  return Either.right({ name: m[1]!, range: { start, end } })
}

/** Options several command lines take (`-d/--delay`, `-w/--web`, `--route-path`), parsed the same way. */
import { Either, Option } from "effect"
import { statSync } from "node:fs"
import { parseRoutePath } from "../cip/epath.js"
import type { EPath } from "../cip/model.js"
import { parseAddress } from "../server/address.js"
import { parseDelay } from "../server/control.js"

/** `-d 0.5` or `-d 0.1-0.9` → seconds or a range; undefined when not given. */
export const delayOption = (given: Option.Option<string>): Either.Either<number | readonly [number, number] | undefined, string> => {
  if (Option.isNone(given)) return Either.right(undefined)
  const d = parseDelay(given.value)
  return Option.isNone(d)
    ? Either.left(`invalid delay ${JSON.stringify(given.value)}: expected seconds like 0.5 or a range like 0.1-0.9`)
    : Either.right(d.value)
}

/** `-w [iface][:port]`: `:PORT` binds the server's own interface; undefined when not given. */
export const webOption = (given: Option.Option<string>, serverHost: string): Either.Either<{ host: string; port: number } | undefined, string> =>
  Option.isNone(given) ? Either.right(undefined) : parseAddress(given.value, { host: serverHost, port: 80 })

/** `a, b,,c` → ["a", "b", "c"] (`--web-cors`, `--web-host`). */
export const list = (text: string): ReadonlyArray<string> => text.split(",").map((x) => x.trim()).filter((x) => x !== "")

/** Is `p` a directory (`--web-history`)? */
export const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** `--route-path 1/0` (or JSON; `false`/`none`/`0` for none) → the path; undefined when not given. */
export const routePathOption = (given: Option.Option<string>): Either.Either<EPath | undefined, string> => {
  if (Option.isNone(given)) return Either.right(undefined)
  const t = given.value.trim()
  if (/^(false|none|0)$/i.test(t)) return Either.right([])
  return Either.mapLeft(parseRoutePath(t), (e) => `invalid route path ${JSON.stringify(t)}: ${e.message}`)
}

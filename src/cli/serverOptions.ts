/** Options both simulators' command lines take (`-d/--delay`, `-w/--web`), parsed the same way. */
import { Either, Option } from "effect"
import { statSync } from "node:fs"
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

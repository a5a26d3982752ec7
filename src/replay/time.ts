/**
 * Times in a replay, as `--since`/`--until` and the web API's `options/replay/seek=…` take them:
 * a number is seconds from the replay's beginning; `+D` / `-D` moves from the position now
 * (seconds, or a duration such as `1m30s`); anything else is a time (UTC unless it names a zone).
 */
import { Either } from "effect"
import { parseDuration } from "../history/duration.js"
import { Timestamp } from "../history/timestamp.js"
import { parseNumber } from "../web/convert.js"

/** Where a replay time text points, as a function of the position now and the beginning. */
export const parseReplayTime = (text: string): Either.Either<(position: Timestamp, begin: Timestamp) => Timestamp, string> => {
  const t = text.trim()
  const relative = /^[-+]/.exec(t)
  if (relative !== null) {
    const body = t.slice(1).trim()
    const n = parseNumber(body) ?? Either.getOrUndefined(parseDuration(body))
    if (n === undefined || !Number.isFinite(n)) return Either.left(`${JSON.stringify(text)} is not a number of seconds or a duration`)
    return Either.right((position) => position.plus(relative[0] === "-" ? -n : n))
  }
  const n = parseNumber(t)
  if (n !== undefined) return Number.isFinite(n) ? Either.right((_, begin) => begin.plus(n)) : Either.left(`${JSON.stringify(text)} is not a time`)
  return Either.match(Timestamp.parse(t), {
    onLeft: (e) => Either.left(e.message),
    onRight: (time) => Either.right(() => time)
  })
}

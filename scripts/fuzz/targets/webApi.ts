/**
 * Target `web-api`: a web API request path (`/api/group/match/command/value`) through the path
 * parser, the command parser, the glob matcher and the value converter of every tag type.
 * Contract: a Left with a message or a value, never a throw; converted values are of their type
 * and in range, never NaN unless the text says nan, and convert again from their own text.
 */
import { Either } from "effect"
import type { TypeName } from "../../../src/cip/types.js"
import { SPEC_TYPES } from "../../../src/tags/spec.js"
import { convertValues, jsonValue } from "../../../src/web/convert.js"
import { compileGlob, globMatch } from "../../../src/web/glob.js"
import { parseApiPath, parseCommand } from "../../../src/web/request.js"
import { broken, roundTrip, show } from "./contract.js"

const NAMES = ["SCADA", "Program:Main.X", "text", "a.b[1]", ""]

/** Input: [type selector][path text]. */
export const fuzz = (data: Buffer): void => {
  if (data.length < 1) return
  const type: TypeName = SPEC_TYPES[data[0]! % SPEC_TYPES.length]!
  const text = data.subarray(1).toString("utf8")
  const path = parseApiPath(text)
  if (Either.isLeft(path)) {
    if (typeof path.left !== "string" || path.left === "") broken("a refusal without a message")
    return
  }
  const { group, match, command, value } = path.right
  // Globs match in linear time (issue #20 item 1), so star-heavy patterns are fuzzed too. The API's
  // compile refuses with a message or compiles; fnmatch's reading never throws.
  for (const pattern of [group, match]) {
    const glob = compileGlob(pattern)
    if (Either.isLeft(glob) && glob.left === "") broken("a glob refusal without a message")
    for (const name of NAMES) {
      const lenient = globMatch(pattern, name)
      if (Either.isRight(glob) && glob.right.test(name) !== lenient) broken(`${JSON.stringify(pattern)} and ${JSON.stringify(name)}: the API's and fnmatch's readings differ`)
    }
  }
  if (command !== undefined) parseCommand(command)
  if (value === undefined) return
  const values = convertValues(type, value)
  if (Either.isLeft(values)) return
  const nanText = /nan/i.test(value)
  for (const v of values.right) {
    if (typeof v === "number" && Number.isNaN(v) && !nanText) broken(`${JSON.stringify(value)} converted to NaN as ${type}`)
    if (type === "BOOL" ? typeof v !== "boolean" : type === "STRING" || type === "SSTRING" ? typeof v !== "string" : typeof v !== "number" && typeof v !== "bigint") {
      broken(`${JSON.stringify(value)} converted to a ${typeof v} as ${type}`)
    }
  }
  const again = convertValues(type, type === "STRING" || type === "SSTRING" ? String(values.right[0]) : values.right.map((v) => String(jsonValue(v))).join(","))
  if (Either.isLeft(again)) broken(`${show(values.right)} (${type}, from ${JSON.stringify(value)}) does not convert from its own text: ${again.left}`)
  roundTrip(`${type} value`, values.right, (again as Either.Right<never, unknown>).right)
}

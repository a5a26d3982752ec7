/**
 * How a poll change is recorded in history, in the shape `--historize` uses (so `cpppo history`
 * cat/plot/play read it, and replay plays it): `["Level", [0, 0]]` with `{"read": [50.0],
 * "type": "REAL"}`; a CIP error as `{"error": "…", "status": 5}`; a gap (no connection) as
 * `{"error": "…", "gap": true}`.
 */
import { pyString, pyValue } from "../client/results.js"
import type { PollChange } from "./poller.js"

/** The serial and data of a change's record (its time is `change.at`). */
export const pollRecord = (c: PollChange): { readonly serial: unknown; readonly data: unknown } => {
  const serial = [c.tag, [c.start, c.start + Math.max(1, c.count) - 1]]
  switch (c.kind) {
    case "values":
      return { serial, data: c.type !== undefined ? { read: c.values, type: c.type } : { read: c.values } }
    case "error":
      return {
        serial,
        data: {
          error: c.reason ?? "error",
          ...(c.status !== undefined ? { status: c.status } : {}),
          ...(c.extStatus !== undefined && c.extStatus.length > 0 ? { ext: c.extStatus } : {})
        }
      }
    case "gap":
      return { serial, data: { error: c.reason ?? "connection lost", gap: true } }
  }
}

/** One printed line per change: `          SCADA[3-4] == [5, 6]: 'OK'`, or why there are no values. */
export const formatPollChange = (c: PollChange): string => {
  const where = `${c.tag}${c.count > 1 || c.start > 0 ? `[${c.start}${c.count > 1 ? `-${c.start + c.count - 1}` : ""}]` : ""}`
  const status = c.kind === "values" ? "OK" : c.kind === "gap" ? `gap: ${c.reason ?? "connection lost"}` : c.reason ?? "error"
  const values = c.kind === "values" ? `[${c.values.map((v) => pyValue(v, c.type)).join(", ")}]` : "None"
  return `${where.padStart(20)} == ${values}: ${pyString(status)}`
}

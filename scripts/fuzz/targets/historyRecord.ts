/**
 * Target `history-record`: one line of a history file through the record parser the reader uses.
 * Contract: a record, a skip (blank/comment) or a named problem, never a throw; a record written
 * back (formatRecord) parses to a record that writes the same line again (the format is a fixed
 * point after one pass: milliseconds, Python-style JSON).
 */
import { formatRecord, type HistoryRecord, parseLine, pyJson } from "../../../src/history/record.js"
import { broken, show } from "./contract.js"

const PROBLEMS = new Set(["fields", "timestamp", "serial", "data"])

const parsed = (line: string): HistoryRecord | undefined => {
  const p = parseLine(line)
  if (p._tag === "Corrupt" && !PROBLEMS.has(p.problem)) broken(`unknown problem ${p.problem}`)
  return p._tag === "Record" ? p.record : undefined
}

export const fuzz = (data: Buffer): void => {
  const text = data.toString("utf8")
  for (const line of text.split("\n")) {
    const r = parsed(line)
    if (r === undefined) continue
    const once = formatRecord(r)
    const back = parsed(once.slice(0, -1))
    if (back === undefined) broken(`a record written back does not parse: ${JSON.stringify(once)} (from ${JSON.stringify(line)})`)
    const twice = formatRecord(back!)
    if (twice !== once) broken(`record text not stable: ${JSON.stringify(once)} → ${JSON.stringify(twice)}`)
    if (pyJson(back!.serial) !== pyJson(r.serial) || pyJson(back!.data) !== pyJson(r.data)) {
      broken(`record changed when written back: ${show(r)} → ${show(back)}`)
    }
  }
}

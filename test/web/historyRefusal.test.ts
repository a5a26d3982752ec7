/**
 * What `/history/…` answers when its file cannot be read (src/web/historyRoutes.ts `readRefusal`),
 * without a server: nothing to plot or no such file → 404, a broken file → 500 with its line and
 * reason; a file is named by its base name only, never by the server's path.
 */
import { describe, expect, it } from "vitest"
import { HistoryFileError, HistoryIoError } from "../../src/history/errors.js"
import { PlotError } from "../../src/history/trend.js"
import { readRefusal } from "../../src/web/historyRoutes.js"

const file = "/srv/plant/history/tank.hst"

describe("history read refusals", () => {
  it("404 for nothing to plot or no such file; 500 naming the broken file (or rotation) by base name, line and reason", () => {
    const refuse = readRefusal(file)
    expect(refuse(new PlotError({ message: "nothing to plot: no tag matches NOPE" }))).toEqual({ status: 404, message: "nothing to plot: no tag matches NOPE" })
    expect(refuse(new HistoryIoError({ path: file, operation: "open", reason: "no such file" }))).toEqual({ status: 404, message: `no history file "tank.hst"` })
    expect(refuse(new HistoryIoError({ path: file, operation: "read", reason: "EISDIR: illegal operation on a directory, read" })))
      .toEqual({ status: 500, message: "tank.hst: EISDIR: illegal operation on a directory, read" })
    expect(refuse(new HistoryFileError({ path: `${file}.2.gz`, line: 7, reason: "corrupt record (fields)" })))
      .toEqual({ status: 500, message: "tank.hst.2.gz:7: corrupt record (fields)" })
  })
})

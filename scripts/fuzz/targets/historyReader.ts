/**
 * Target `history-reader`: a whole history file (plain or, by the first byte, named `.gz` so the
 * bytes go through gunzip) read by the HistoryReader. Contract: the stream ends with records or a
 * typed HistoryFileError/HistoryIoError, never a defect; records come in file order with their
 * line numbers counted; a corrupt line is reported with its problem.
 */
import { Cause, Chunk, Effect, Exit, Stream } from "effect"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { readFile } from "../../../src/history/reader.js"
import { broken } from "./contract.js"

const dir = mkdtempSync(join(tmpdir(), "cpppo-fuzz-history-"))
process.on("exit", () => rmSync(dir, { recursive: true, force: true }))

export const fuzz = async (data: Buffer): Promise<void> => {
  if (data.length < 1) return
  const file = join(dir, data[0]! & 1 ? "series.gz" : "series.log")
  writeFileSync(file, data.subarray(1))
  const corrupt: Array<number> = []
  const exit = await Effect.runPromiseExit(
    Stream.runCollect(readFile(file, { onCorrupt: (c) => { corrupt.push(c.line) } }))
  )
  if (Exit.isFailure(exit)) {
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "None") broken(`reader died: ${Cause.pretty(exit.cause)}`)
    const tag = (failure as { value: { _tag: string } }).value._tag
    if (tag !== "HistoryFileError" && tag !== "HistoryIoError") broken(`reader failed with ${tag}`)
    return
  }
  if (corrupt.some((l, i) => !Number.isInteger(l) || l < 1 || (i > 0 && l <= corrupt[i - 1]!))) broken(`corrupt lines reported out of order: ${corrupt.join(",")}`)
  void Chunk.size(exit.value)
}

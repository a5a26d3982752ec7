/**
 * README, `cpppo enip poll`: "records them with `--historize` (rotated at 10 MB)". The writer
 * starts from the size of the file it appends to, so a file seeded to just under 10 MiB shows the
 * bound to the byte: a poll whose records fill it to exactly 10 MiB leaves it alone, one byte more
 * and the file is rotated (gzipped to FILE.1.gz) before the records go into a new FILE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { run, type Running, start } from "./cpppo.js"

const MIB_10 = 10 * 1024 * 1024

let server: Running
let address = ""
beforeAll(async () => {
  server = start(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-A", "X=INT[10]"])
  address = await server.line(/^127\.0\.0\.1:\d+$/)
}, 60_000)
afterAll(async () => { await server.stop() })

/** History text of `bytes` bytes: 64-byte records, then a comment line making up the rest. */
const seed = (bytes: number): string => {
  const lines: Array<string> = []
  let size = 0
  for (let i = 0; size + 64 + 100 <= bytes; i++) {
    const time = new Date(Date.UTC(2014, 10, 2) + i * 1000).toISOString().replace("T", " ").replace("Z", "")
    const line = `${time}\t["T", [0, 0]]\t{"write": [${100_000_000_000 + i}]}\n`
    lines.push(line)
    size += line.length
  }
  lines.push(`# ${"x".repeat(bytes - size - 3)}\n`)
  const text = lines.join("")
  expect(text.length).toBe(bytes)
  return text
}

/** One poll of X[0-9] (its values do not change: one record) into `file`. */
const poll = async (file: string) => {
  const r = await run(["enip", "poll", "-a", address, "-q", "--duration", "1", "--historize", file, "X[0-9]"])
  expect(r.status, r.stdout + r.stderr).toBe(0)
}

describe("cpppo enip poll --historize rotation", () => {
  it("rotates before a record would take the file past 10 MiB: exactly 10 MiB stays, one byte more rotates", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-pollrot-"))
    // What one poll writes to a new file.
    const fresh = join(dir, "fresh.hst")
    await poll(fresh)
    const written = readFileSync(fresh, "utf8")
    expect(written).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\t\["X", \[0, 9\]\]\t\{"read": \[0, 0, 0, 0, 0, 0, 0, 0, 0, 0\](, "type": "INT")?\}\n$/)
    const n = Buffer.byteLength(written)

    const fits = join(dir, "fits.hst")
    writeFileSync(fits, seed(MIB_10 - n))
    await poll(fits)
    expect(statSync(fits).size).toBe(MIB_10)
    expect(existsSync(`${fits}.1.gz`) || existsSync(`${fits}.1`)).toBe(false)

    const over = join(dir, "over.hst")
    const seeded = seed(MIB_10 - n + 1)
    writeFileSync(over, seeded)
    await poll(over)
    expect(statSync(over).size).toBe(n)
    expect(gunzipSync(readFileSync(`${over}.1.gz`)).toString("utf8")).toBe(seeded)
  }, 60_000)
})

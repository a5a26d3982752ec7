/**
 * `cpppo modbus poll` (real binary): the values given with `=` are written before the first poll, so
 * the first values printed hold them; the exit status is 1 when such a write failed (the device
 * answered an exception), 0 when every write was taken and the ranges were read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run, type Running, start } from "../cli/cpppo.js"

let server: Running
let address = ""
beforeAll(async () => {
  server = start(["modbus", "server", "-a", "127.0.0.1:0", "-A", "40001-40002=1"])
  address = await server.line(/^127\.0\.0\.1:\d+$/)
}, 60_000)
afterAll(async () => { await server.stop() })

describe("cpppo modbus poll: exit status (real binary)", () => {
  it("writes first; a write the device refuses (exception 02) makes the exit status 1, a write it takes 0", async () => {
    const [refused, taken] = await Promise.all([
      run(["modbus", "poll", "-a", address, "--duration", "1", "40001", "40009=5"]),
      run(["modbus", "poll", "-a", address, "--duration", "1", "40001", "40002=5"])
    ])
    expect(refused.stdout).toMatch(/40009 <= \[5\]: 'exception 02 \(illegal data address\)'/)
    expect(refused.status).toBe(1)
    // The write goes out first: the first values read already hold it.
    const lines = taken.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^\s+40002 <= \[5\]: 'OK'$/)
    expect(lines[1]).toMatch(/^\s+40001-40002 == \[1, 5\]: 'OK'$/)
    expect(taken.status, taken.stderr).toBe(0)
  }, 60_000)
})

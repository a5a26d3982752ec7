/**
 * `cpppo modbus server` and `cpppo modbus poll` as users run them (child processes): -A, -p,
 * the web API over the registers (same api/<group>/<match>/<command>/<value> shape), history,
 * usage mistakes (one `cpppo:` line, exit 2), and the poller's printed changes and summary.
 */
import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli } from "../cli/run.js"
import { hex, rawModbus, sleep, toHex } from "./helpers.js"

const run = (args: ReadonlyArray<string>) => runCli(["modbus", ...args])

const api = async (port: number, path: string) => (await fetch(`http://127.0.0.1:${port}/api/${path}`)).json() as Promise<{ command: { success: boolean; value?: unknown } | null; data: Record<string, Record<string, Record<string, unknown>>> }>

describe("cpppo modbus server", () => {
  it("mistakes print one cpppo: line and exit 2", async () => {
    for (const args of [["server", "40001-30001"], ["server", "-u", "300", "40001"], ["server", "-d", "x", "40001"], ["server", "-a", "1.2.3.4:99999", "40001"], ["poll", "-a", "localhost:5020", "20001"]]) {
      const r = run(args)
      expect(await r.exit).toBe(2)
      expect(r.stderr().trim().split("\n")).toHaveLength(1)
      expect(r.stderr()).toMatch(/^cpppo: /)
    }
  }, 60_000)

  it("serves registers, prints I/O (-p), answers the web API over its registers, records history, exits on done", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cpppo-modbus-"))
    const history = join(dir, "regs.hist")
    const srv = run(["server", "-a", "127.0.0.1:0", "-A", "-p", "-w", ":0", "--historize", history, "40001-40010=7", "1-8=1"])
    try {
      const port = Number((await srv.line(/^127\.0\.0\.1:\d+$/)).split(":")[1])
      const web = Number((await srv.line(/^web /)).split(":").pop())
      const c = await rawModbus(port)
      c.send("000100000006" + "01" + "0300020003")
      expect(toHex(await c.adu())).toBe("000100000009" + "01" + "0306000700070007")
      expect(await srv.line(/40003-40005 == \[7, 7, 7\]/)).toBeTruthy()
      c.send("000200000006" + "01" + "0600090063")
      await c.adu()
      expect(await srv.line(/^\s+40010 <= \[99\]/)).toBeTruthy()
      // The registers are the web API's tags, named by their first address.
      const tags = await api(web, "tags")
      expect(Object.keys(tags.data["tags"]!)).toEqual(["1", "40001"])
      expect((await api(web, "tags/40001/attribute[3]=4")).command?.success).toBe(true)
      expect((await api(web, "tags/40001/attribute[3]")).command?.value).toEqual({ "40001": 4 })
      c.send("000300000006" + "01" + "0300030001")
      expect(toHex(await c.adu())).toBe("000300000005" + "01" + "03020004")
      // A forced error of 6 is exception 06 (server device busy), as under an injected fault.
      expect((await api(web, "tags/40001/error=6")).command?.success).toBe(true)
      c.send("000400000006" + "01" + "0300000001")
      expect(toHex(await c.adu())).toBe("000400000003" + "01" + "8306")
      expect((await api(web, "tags/40001/error=0")).command?.success).toBe(true)
      // Sessions are the connections group.
      expect(Object.keys((await api(web, "connections")).data["connections"]!)).toHaveLength(1)
      expect((await api(web, "connections/*/eof=true")).command?.success).toBe(true)
      expect(await c.closed()).toBe(true)
      expect((await api(web, "server/control/done=true")).command?.success).toBe(true)
      expect(await srv.exit).toBe(0)
      const records = readFileSync(history, "utf8").trim().split("\n")
      expect(records.some((l) => l.includes('["40001", [2, 4]]\t{"read": [7, 7, 7]}'))).toBe(true)
      expect(records.some((l) => l.includes('["40001", [9, 9]]\t{"write": [99]}'))).toBe(true)
    } finally {
      srv.child.kill("SIGINT")
    }
  }, 60_000)
})

describe("cpppo modbus poll", () => {
  it("prints changes in the client's style, writes values given with =, and ends with a summary", async () => {
    const srv = run(["server", "-a", "127.0.0.1:0", "-A", "40001-40010=7", "1-8=1"])
    try {
      const port = Number((await srv.line(/^127\.0\.0\.1:\d+$/)).split(":")[1])
      const dir = mkdtempSync(join(tmpdir(), "cpppo-poll-"))
      const poll = run(["poll", "-a", `127.0.0.1:${port}`, "-R", "0.1", "--duration", "1.5", "--historize", join(dir, "p.hist"), "40001-40004", "40009=42", "1-3"])
      expect(await poll.exit).toBe(0)
      const out = poll.stdout.join("\n")
      expect(out).toMatch(/^\s+40009 <= \[42\]: 'OK'$/m)
      expect(out).toMatch(/^\s+40001-40004 == \[7, 7, 7, 7\]: 'OK'$/m)
      expect(out).toMatch(/^\s+1-3 == \[1, 1, 1\]: 'OK'$/m)
      expect(out).toMatch(/^Poll summary: \d+ requests in [\d.]+ s \([\d.]+\/s\), \d+ registers .* 0 errors, 1 connects; latency ms/m)
      const c = await rawModbus(port)
      c.send(hex("000100000006" + "01" + "0300080001"))
      expect(toHex(await c.adu())).toBe("000100000005" + "01" + "0302002a")
      c.close()
      expect(readFileSync(join(dir, "p.hist"), "utf8")).toMatch(/\["40001", \[0, 3\]\]\t\{"read": \[7, 7, 7, 7\]\}/)
      // A device that is not there: the summary says why, exit status 1.
      const down = run(["poll", "-a", "127.0.0.1:1", "-t", "0.2", "--duration", "0.5", "40001"])
      expect(await down.exit).toBe(1)
      expect(down.stdout.join("\n")).toMatch(/last error: cannot connect/)
      await sleep(10)
    } finally {
      srv.child.kill("SIGINT")
    }
  }, 60_000)
})

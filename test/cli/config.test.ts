/**
 * Config files for `cpppo enip server`, through the real binary: cpppo's INI files (the default
 * ./cpppo.cfg, `-c FILE` repeated, `--no-config`, `-b NAME`), and JSON (`-c FILE.json`), read back
 * with `cpppo enip get-attribute`. Unknown keys are refused with one line naming file and key.
 */
import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "vitest"
import { run, runAll, start } from "./cpppo.js"

const dir = mkdtempSync(join(tmpdir(), "cpppo-config-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name) }
// Only this directory's files: no /etc/cpppo.cfg or ~/.cpppo.cfg of the machine running the tests.
const env = { ...process.env, HOME: dir, APPDATA: dir }

// As cpppo's own cpppo.cfg writes them: spaces in keys, '#' comments, an indented JSON value.
file("cpppo.cfg", `# the default file, found in the working directory
[Identity]
Vendor Number\t\t\t= 99
Product Name\t\t\t= \${TCPIP:Host Name} PLC   # interpolated
Product Revision\t\t= 2836
Serial Number\t\t\t= 1000

[TCPIP]
Host Name\t\t\t= plant7
Interface Configuration\t\t= {
        "ip_address":\t\t"10.0.0.4",
        "network_mask":\t\t"255.255.248.0",
        "domain_name":\t\t"example.com"
    }
Configuration Control\t\t= 0

[Originator]
Serial Number\t\t\t= 1234567
`)
const extra = file("extra.cfg", "[Identity]\nSerial Number = 2000\n")
const json = file("device.json", JSON.stringify({ identity: { productName: "From JSON", revision: "3.4" }, network: { hostName: "jsonhost" } }))
file("other.cfg", "[Identity]\nProduct Name = Other Basename\n")

/** Start the server with `args` in the temp dir and return get-attribute's lines for Identity and TCP/IP. */
const identity = async (args: ReadonlyArray<string>) => {
  const server = start(["enip", "server", "-a", "127.0.0.1:0", "-A", "-U", ...args, "X"], { cwd: dir, env })
  try {
    const address = await server.line(/^127\.0\.0\.1:\d+$/)
    const r = await run(["enip", "get-attribute", "-a", address, "@1/1", "@0xF5/1/5", "@0xF5/1/6"])
    expect(r.status, r.stderr).toBe(0)
    return { lines: r.stdout.split("\n"), log: server.stderr() }
  } finally {
    expect(await server.stop()).toBe(0)
  }
}
const field = (lines: ReadonlyArray<string>, name: string) => lines.find((l) => l.startsWith(`    ${name} `))?.slice(4 + 27)

describe("config files (real binary)", () => {
  it("./cpppo.cfg is read as cpppo reads it; -c files come after it; a JSON file too; options last", async () => {
    const base = await identity([])
    expect(field(base.lines, "Vendor ID")).toBe("99")
    expect(field(base.lines, "Product Name")).toBe("plant7 PLC")
    expect(field(base.lines, "Revision")).toBe("20.11")
    expect(field(base.lines, "Serial Number")).toMatch(/^(1000|0x000003e8)/)
    expect(field(base.lines, "Host Name")).toBe("plant7")
    expect(field(base.lines, "IP Address")).toBe("10.0.0.4")
    expect(base.log).toContain("[TCPIP] Configuration Control: not configurable in this simulator (ignored)")

    const more = await identity(["-c", extra, "--config", json, "--vendor", "7"])
    expect(field(more.lines, "Serial Number")).toMatch(/^(2000|0x000007d0)/)
    expect(field(more.lines, "Product Name")).toBe("From JSON")
    expect(field(more.lines, "Revision")).toBe("3.4")
    expect(field(more.lines, "Host Name")).toBe("jsonhost")
    expect(field(more.lines, "Vendor ID")).toBe("7")
  }, 90_000)

  it("--no-config skips the default files (not the named ones); -b NAME looks for NAME.cfg", async () => {
    const none = await identity(["--no-config"])
    expect(field(none.lines, "Product Name")).toBe("1756-L61/B LOGIX5561")
    expect(field(none.lines, "Vendor ID")).toBe("1")
    const named = await identity(["--no-config", "-c", extra])
    expect(field(named.lines, "Serial Number")).toMatch(/^(2000|0x000007d0)/)
    const other = await identity(["-b", "other"])
    expect(field(other.lines, "Product Name")).toBe("Other Basename")
  }, 90_000)

  it("unknown keys, bad values and missing files are refused: one line naming file and key, exit 2", async () => {
    const cases: ReadonlyArray<[string, RegExp]> = [
      [file("typo.cfg", "[Identity]\nVendor Numbr = 5\n"), /typo\.cfg \[Identity\]: unknown key "vendor numbr" \(did you mean "Vendor Number"\?\)$/],
      [file("range.cfg", "[Identity]\nVendor Number = 70000\n"), /range\.cfg \[Identity\] Vendor Number: vendor must be a whole number 0\.\.65535, not "70000"$/],
      [file("typo.json", JSON.stringify({ identity: { vendorId: 5 } })), /typo\.json identity: unknown key "vendorId" \(did you mean "vendor"\?\)$/],
      [file("top.json", JSON.stringify({ identiy: {} })), /top\.json: unknown key "identiy" \(did you mean "identity"\?\)$/],
      [file("bad.json", "{ not json"), /cannot read config .*bad\.json: /],
      [join(dir, "missing.cfg"), /cannot read config .*missing\.cfg: ENOENT/]
    ]
    const runs = await runAll(cases.map(([f]) => ["enip", "server", "--no-config", "-a", "127.0.0.1:0", "-c", f, "X"]), { cwd: dir, env })
    runs.forEach((r, i) => {
      expect(r.status, r.stderr).toBe(2)
      expect(r.stdout).toBe("")
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1)
      expect(r.stderr.trimEnd()).toMatch(/^cpppo: /)
      expect(r.stderr.trimEnd()).toMatch(cases[i]![1])
    })
  }, 90_000)
})

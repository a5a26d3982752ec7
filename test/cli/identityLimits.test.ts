/**
 * The product name is at most 32 characters (README "Config files", `--product-name`): 32 are
 * taken, 33 are one `cpppo:` line and exit 2, from the command line (the real binary) and from a
 * config file alike.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { emptyFileConfig, setIdentity } from "../../src/cli/config.js"
import { cpppo } from "./cpppo.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cpppo-identity-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

describe("product name: at most 32 characters", () => {
  it("32 characters are stored; 33 are refused with a message naming the bound", () => {
    const c = emptyFileConfig()
    expect(setIdentity(c, "productName", "B".repeat(32), "test")).toBeUndefined()
    expect(c.identity.productName).toBe("B".repeat(32))
    expect(setIdentity(c, "productName", "B".repeat(33), "test")).toMatch(/at most 32 characters/)
    expect(c.identity.productName).toBe("B".repeat(32))
  })

  it("cpppo enip server --product-name or a config file with 33 characters: one cpppo: line, exit 2 (real binary)", () => {
    const option = cpppo(["enip", "server", "--no-config", "-a", "127.0.0.1:0", "--product-name", "A".repeat(33), "X"])
    expect(option.status).toBe(2)
    expect(option.stdout).toBe("")
    expect(option.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cpppo: --product-name: .*at most 32 characters/)])
    const file = path.join(dir, "long.cfg")
    fs.writeFileSync(file, `[Identity]\nProduct Name = ${"A".repeat(33)}\n`)
    const config = cpppo(["enip", "server", "--no-config", "-c", file, "-a", "127.0.0.1:0", "X"])
    expect(config.status).toBe(2)
    expect(config.stderr.trimEnd().split("\n")).toEqual([expect.stringMatching(/^cpppo: .*long\.cfg.*at most 32 characters/)])
  }, 60_000)
})

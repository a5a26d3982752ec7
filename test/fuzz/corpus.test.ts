/**
 * The kept fuzz corpora (test/fuzz/corpus/TARGET, grown and minimized by `npm run fuzz --
 * --coverage TARGET --minimize`) replayed through their coverage-guided targets: every input,
 * including those that once found a bug (finding-*), keeps the target's contract.
 */
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { TARGETS } from "../../scripts/fuzz/guided/targets.js"

const CORPUS = new URL("./corpus/", import.meta.url).pathname

describe("kept fuzz corpora replayed through their targets", () => {
  for (const t of TARGETS) {
    it(`${t.name}: every kept input keeps the contract`, async () => {
      const files = readdirSync(join(CORPUS, t.name)).filter((f) => !f.startsWith("."))
      expect(files.length).toBeGreaterThan(0)
      const target = (await import(`../../scripts/fuzz/targets/${t.module}.ts`)) as { fuzz: (data: Buffer) => void | Promise<void> }
      for (const f of files) {
        const data = readFileSync(join(CORPUS, t.name, f))
        try {
          await target.fuzz(data)
        } catch (e) {
          throw new Error(`${t.name} input ${f} (${data.toString("hex").slice(0, 400)}): ${e instanceof Error ? e.message : String(e)}`)
        }
      }
    }, 60_000)
  }
})

/**
 * The trend tests' rig: the CLI simulator recording to a history file in a temp dir (`--historize`),
 * and headless Chromium. `setup` starts both, `teardown` closes the browser, stops the simulator
 * and removes the dir; the tests read `rig.sim` and `rig.browser` after `beforeAll`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { chromium, type Browser } from "playwright-core"
import { CHROMIUM, CHROMIUM_ARGS } from "./chromium.js"
import { type Simulator, startSimulator } from "./simulator.js"

export interface TrendRig {
  readonly sim: Simulator
  readonly browser: Browser
  readonly setup: () => Promise<void>
  readonly teardown: () => Promise<void>
}

/** A rig serving `tags`, its history under a temp dir named `prefix…`. */
export const trendRig = (tags: ReadonlyArray<string>, prefix: string): TrendRig => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  let sim: Simulator | undefined
  let browser: Browser | undefined
  const must = <A>(a: A | undefined, what: string): A => {
    if (a === undefined) throw new Error(`trend rig: ${what} not started (setup in beforeAll)`)
    return a
  }
  return {
    get sim() { return must(sim, "simulator") },
    get browser() { return must(browser, "browser") },
    setup: async () => {
      sim = await startSimulator(tags, ["--historize", path.join(dir, "sim.hst")])
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 })
    },
    teardown: async () => {
      await browser?.close()
      await sim?.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

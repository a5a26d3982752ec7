/**
 * The tests Stryker runs against each src/cip mutant (the `cip` row of scripts/mutate-folders.mjs):
 * vitest.mutate.config.ts's test set, run in one worker without isolation. Most src/cip code sits
 * under every decoder test (a path or request decoder runs for each vector and property case), so
 * a mutant re-runs most of test/cip, and re-importing effect and fast-check per test file was most
 * of that time (the initial run: 15 s with isolation, 5 s without). test/cip/freshModules.ts
 * still gives each test file fresh project modules (vi.resetModules): no cached result outlives
 * the mutant it was computed under, and module-level initialisers see the mutant switched on.
 */
import { defineConfig, mergeConfig } from "vitest/config"
import base from "./vitest.mutate.config.js"

export default mergeConfig(base, defineConfig({
  test: {
    setupFiles: ["./test/cip/freshModules.ts"],
    isolate: false,
    poolOptions: { threads: { isolate: false } }
  }
}))

/**
 * The tests Stryker runs against each src/device mutant (stryker.device.config.mjs): the
 * socket-free device tests, which drive the controller with decoded CIP requests and check the
 * replies. CPPPO_MAX_PROPERTY_RUNS caps the property tests' run counts (test/numRuns.ts); npm test runs
 * them in full.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: ["test/device/**/*.test.ts"],
    setupFiles: ["./test/setupTests.ts", "./test/cip/freshModules.ts"],
    env: { CPPPO_MAX_PROPERTY_RUNS: "50" },
    // One worker without isolation (effect and fast-check imported once), but fresh project
    // modules per test file (test/cip/freshModules.ts, vi.resetModules): without them the modules
    // of the first test file kept the Stryker namespace they first saw, and later test files ran
    // without the mutant (false survivors; the figures measured before this were low bounds).
    isolate: false,
    poolOptions: { threads: { isolate: false } },
    testTimeout: 60_000
  }
})

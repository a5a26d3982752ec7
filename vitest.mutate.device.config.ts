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
    setupFiles: ["./test/setupTests.ts"],
    env: { CPPPO_MAX_PROPERTY_RUNS: "50" },
    // One worker process for every run: module state is set up once, and mutants are switched at
    // run time, so nothing needs a fresh module graph per test file.
    isolate: false,
    poolOptions: { threads: { isolate: false } },
    testTimeout: 60_000
  }
})

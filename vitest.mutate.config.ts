/**
 * The tests Stryker runs against each mutant (`npm run mutate`): the fast, socket-free unit and
 * property tests of the folder being mutated. The CLI, interop and server tests run the built binary
 * or bind fixed addresses, so they stay out of mutation runs (they run in `npm test`).
 * scripts/mutate.mjs names the folder's test globs in CPPPO_MUTATE_TESTS (comma-separated); without
 * it the enip and cip tests run. Property tests are capped at CPPPO_MAX_PROPERTY_RUNS runs each
 * (test/propertyRuns.ts): Stryker re-runs the covering tests once per mutant.
 * Not merged with vitest.config.ts: mergeConfig would append to its `include`, not replace it.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const include = (process.env["CPPPO_MUTATE_TESTS"] ?? "test/enip/**/*.test.ts,test/cip/**/*.test.ts").split(",")
process.env["CPPPO_MAX_PROPERTY_RUNS"] ??= "25"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include,
    setupFiles: ["./test/setupTests.ts"],
    testTimeout: 60_000
  }
})

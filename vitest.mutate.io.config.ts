/**
 * The tests Stryker runs against each mutant of src/modbus, src/web, src/client and src/cli
 * (`npm run mutate -- modbus` …): the in-process tests of the folder, named by its row in
 * scripts/mutate-folders.mjs (CPPPO_MUTATE_TESTS, comma-separated). Some bind 127.0.0.1 port 0
 * (a Modbus device, the web API, an in-process simulator); none runs the built binary, which would
 * not see Stryker's mutants. One worker without per-file isolation: each mutant re-runs the tests
 * that cover it, and re-importing the module graph per test file cost more than the tests
 * (a codec mutant took 30 s with isolation). Property tests run at most CPPPO_MAX_PROPERTY_RUNS cases.
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const include = process.env["CPPPO_MUTATE_TESTS"]?.split(",") ?? []
process.env["CPPPO_MAX_PROPERTY_RUNS"] ??= "25"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include,
    setupFiles: ["./test/setupTests.ts"],
    isolate: false,
    poolOptions: { threads: { isolate: false }, forks: { isolate: false } },
    testTimeout: 60_000
  }
})

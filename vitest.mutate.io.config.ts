/**
 * The tests Stryker runs against each mutant of src/modbus, src/web, src/client and src/cli
 * (`npm run mutate -- modbus` …): the in-process tests of the folder, named by its row in
 * scripts/mutate-folders.mjs (CPPPO_MUTATE_TESTS, comma-separated). Some bind 127.0.0.1 port 0
 * (a Modbus device, the web API, an in-process simulator); none runs the built binary, which would
 * not see Stryker's mutants. Property tests run at most CPPPO_MAX_PROPERTY_RUNS cases.
 *
 * Each test file is isolated (vitest's default), on purpose: without isolation a module imported by
 * an earlier test file stays cached, and Stryker's instrumented code keeps the namespace object it
 * first saw (`globalThis.__stryker__`), while the setup file of each later file installs a new one.
 * Mutants are then never switched on for the later files' tests and their coverage is not recorded:
 * the modbus run under `isolate: false` reported mutants as survived that those tests kill when the
 * change is made by hand (handler.ts `r.fc <= 2` → `true`, addresses.ts `n >= 40001` → `true`).
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
    testTimeout: 60_000
  }
})

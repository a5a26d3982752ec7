// @ts-check
const report = process.env["CPPPO_MUTATION_REPORT"] ?? "reports/mutation/mutation"

/**
 * Mutation testing: Stryker changes src/ one small edit at a time (a flipped comparison, a removed
 * call, a changed constant) and runs the tests; a mutant the tests do not notice ("survived") is a
 * promise no test holds. Run it through `npm run mutate -- <folder>` (scripts/mutate.mjs), which
 * passes the folder's files (--mutate), its incremental file and its tests (CPPPO_MUTATE_TESTS, read
 * by vitest.mutate.config.ts). The defaults below (enip and cip) serve a bare `npx stryker run`.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: process.env["MUTATE_VITEST_CONFIG"] ?? "vitest.mutate.config.ts" },
  plugins: ["@stryker-mutator/vitest-runner"],
  mutate: [
    "src/enip/**/*.ts",
    "src/cip/**/*.ts",
    // Re-exports and type-only declarations hold no behaviour to mutate.
    "!src/**/index.ts",
    "!src/enip/model.ts",
    "!src/cip/model.ts"
  ],
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "reports/stryker-incremental.json",
  concurrency: 1,
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress-append-only", "html", "json"],
  htmlReporter: { fileName: `${report}.html` },
  jsonReporter: { fileName: `${report}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true
}

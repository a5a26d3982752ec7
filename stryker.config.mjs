// @ts-check
const report = process.env["CPPPO_MUTATION_REPORT"] ?? "reports/mutation/mutation"
// The TypeScript checker (opt-in, CPPPO_MUTATE_TSCHECK=1): a mutant that does not compile is
// reported as a compile error and its tests are not run. Off by default: on this 2-core machine it
// type-checked the whole project for 2.5 minutes before the first mutant and then ran src/cip/udt.ts
// about ten times slower than without it (12 of 160 mutants in 4 minutes; all 160 in 5.5 without).
const typeCheck = process.env["CPPPO_MUTATE_TSCHECK"] === "1"

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
  plugins: ["@stryker-mutator/vitest-runner", ...(typeCheck ? ["@stryker-mutator/typescript-checker"] : [])],
  ...(typeCheck ? { checkers: ["typescript"], tsconfigFile: "tsconfig.json" } : {}),
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

// @ts-check
/**
 * Mutation testing (`npm run mutate`): Stryker changes src/ one small edit at a time (a flipped
 * comparison, a removed call, a changed constant) and runs the tests; a mutant the tests do not
 * notice ("survived") is a promise no test holds. Scoped to the protocol core (EtherNet/IP
 * encapsulation and CIP encoding), with the socket-free tests of vitest.mutate.config.ts.
 * Incremental: results are kept in reports/stryker-incremental.json, so a re-run only tests the
 * mutants whose code or tests changed. Narrow a run with `npm run mutate -- --mutate src/enip/cpf.ts`.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts" },
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
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true
}

// @ts-check
/**
 * Stryker settings for CI's mutation job (`npm run mutate:changed`, scripts/mutate-changed.mjs):
 * the project's settings, not incremental, with the JSON report where the script reads it. The
 * script passes the changed line ranges (`--mutate`) and, in the environment,
 * the folder's test set (MUTATE_VITEST_CONFIG), where the JSON report goes (MUTATE_REPORT) and the
 * per-mutant log (CPPPO_MUTATION_REPORT, `.jsonl` added).
 */
import base from "./stryker.config.mjs"

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  ...base,
  incremental: false,
  vitest: { ...base.vitest, configFile: process.env.MUTATE_VITEST_CONFIG ?? base.vitest?.configFile },
  // mutant-log: each mutant's result as soon as it is tested (CPPPO_MUTATION_REPORT.jsonl), so a run
  // the job stops at its time limit is still scored over the mutants it tested.
  plugins: [...(base.plugins ?? []), "./scripts/stryker-mutant-log.mjs"],
  reporters: ["clear-text", "json", "mutant-log"],
  jsonReporter: { fileName: process.env.MUTATE_REPORT ?? "reports/mutation/changed.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true }
}

/**
 * The tests Stryker runs against src/modbus mutants. The folder-wide run (no `--mutate`) keeps
 * vitest.mutate.config.ts (each test file isolated, the row's tests from CPPPO_MUTATE_TESTS). A
 * `--mutate` run of files listed in TESTS_OF (scripts/mutate.mjs sets CPPPO_MUTATE_FILES) runs
 * through vitest.mutate.small.config.ts (one worker without isolation, project modules imported
 * afresh per test file, smallest test files first) with only the test files that exercise those
 * files: with the folder's nineteen, every mutant of poller.ts that a bridge test covers re-ran the
 * bridge's files too (poller.ts was 511 mutants at about 14 s each under load).
 */
import base from "./vitest.mutate.config.js"
import small, { narrowedTests } from "./vitest.mutate.small.config.js"

const t = (names: string): Array<string> => names.split(" ").map((n) => `test/modbus/${n}.test.ts`)

/** Per src/modbus file (its base name): the test files that must notice its mutants. */
const TESTS_OF: Record<string, Array<string>> = {
  poller: t("pollerChecks exceptions poller pollerWrites pollerWire"),
  bridge: t("bridgeSpecs exceptions bridge bridgeAge"),
  client: t("connection"),
  device: t("device deviceConfig badinput writeLimits exceptions")
}

const narrowed = narrowedTests(TESTS_OF)

export default narrowed === undefined ? base : { ...small, test: { ...small.test, include: narrowed } }

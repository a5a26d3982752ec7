/**
 * The tests Stryker runs against src/cli mutants: vitest.mutate.small.config.ts (one worker without
 * isolation, project modules imported afresh per test file, smallest test files first), narrowed
 * per file as src/history's are (vitest.mutate.history.config.ts). Every in-process command test
 * goes through the argv check, main.ts and often the server's composition, so with the folder's
 * whole set a surviving mutant of argv.ts or enipServer.ts re-ran all sixteen files (about 10 s a
 * mutant on this shared machine; three files were 1,057 mutants): with CPPPO_MUTATE_FILES set
 * (scripts/mutate.mjs sets it for `--mutate`), each file brings the test files that really exercise
 * it (TESTS_OF). Without it, or for a file not listed, the folder's whole set (CPPPO_MUTATE_TESTS).
 */
import small, { narrowedTests } from "./vitest.mutate.small.config.js"

const t = (names: string): Array<string> => names.split(" ").map((n) => `test/cli/${n}.test.ts`)

/** Per src/cli file (its base name): the test files that must notice its mutants. */
const TESTS_OF: Record<string, Array<string>> = {
  argv: t("argv defaults readme helpText commandUsage"),
  config: t("configFiles commandUsage"),
  enipServer: t("enipServerCommand commandUsage pollHistorize defaults serverExtras"),
  enipFleet: t("commandUsage enipServerCommand defaults enipFleetCommand"),
  fleet: t("enipServerCommand pollHistorize enipFleetCommand serverExtras"),
  spec: t("specParse argv defaults helpText commandUsage"),
  extras: t("serverExtras enipServerCommand pollHistorize modbusCommands"),
  main: t("argv helpText commandUsage"),
  simulator: t("serverExtras enipServerCommand pollHistorize"),
  logging: t("logLevels logRotation pollHistorize enipClientServices enipServerCommand"),
  help: t("helpText"),
  usage: t("commandUsage"),
  modbus: t("modbusCommands"),
  modbusPollRun: t("modbusCommands pollHistorize commandUsage"),
  examples: t("helpText")
}

const include = narrowedTests(TESTS_OF) ?? small.test?.include

export default { ...small, test: { ...small.test, include } }

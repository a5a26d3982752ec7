/**
 * The tests Stryker runs against src/signals, src/dfa and src/history mutants: the folder's test set
 * (vitest.mutate.config.ts reads it from CPPPO_MUTATE_TESTS) in one worker without isolation, each
 * test file importing the project's modules afresh (test/cip/freshModules.ts, as the cip row), and
 * the test files run smallest first. Vitest's own order runs the longest-running and last-failed
 * files first, so a mutant that a small unit test kills used to wait for the engine's TestClock
 * tests (or the regex properties) to run before it; Stryker stops at the first failing test.
 */
import { statSync } from "node:fs"
import path from "node:path"
import { defineConfig, mergeConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"
import base from "./vitest.mutate.config.js"

class SmallestFirst extends BaseSequencer {
  override sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const size = (f: TestSpecification) => statSync(f.moduleId).size
    return Promise.resolve([...files].sort((a, b) => size(a) - size(b)))
  }
}

export default mergeConfig(base, defineConfig({
  test: {
    setupFiles: ["./test/cip/freshModules.ts"],
    isolate: false,
    poolOptions: { threads: { isolate: false } },
    sequence: { sequencer: SmallestFirst }
  }
}))

/**
 * The base names of the files a `--mutate` run narrows to (CPPPO_MUTATE_FILES, set by
 * scripts/mutate.mjs; line ranges dropped): the per-file test lists of the history, cli and web
 * configs are keyed by them.
 */
export const mutatedFiles = (): Array<string> =>
  (process.env["CPPPO_MUTATE_FILES"] ?? "").split(",")
    .map((f) => path.basename(f.trim().replace(/:[\d:-]+$/, ""), ".ts")).filter((f) => f !== "")

/**
 * The union of the test files `testsOf` names for the narrowed files, when every one of them is
 * listed; otherwise undefined (the caller's folder-wide set applies).
 */
export const narrowedTests = (testsOf: Record<string, Array<string>>): Array<string> | undefined => {
  const files = mutatedFiles()
  return files.length > 0 && files.every((f) => f in testsOf)
    ? Array.from(new Set(files.flatMap((f) => testsOf[f]!)))
    : undefined
}

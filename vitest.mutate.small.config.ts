/**
 * The tests Stryker runs against src/signals, src/dfa and src/history mutants: the folder's test set
 * (vitest.mutate.config.ts reads it from CPPPO_MUTATE_TESTS) in one worker without isolation, each
 * test file importing the project's modules afresh (test/cip/freshModules.ts, as the cip row), and
 * the test files run smallest first. Vitest's own order runs the longest-running and last-failed
 * files first, so a mutant that a small unit test kills used to wait for the engine's TestClock
 * tests (or the regex properties) to run before it; Stryker stops at the first failing test.
 */
import { statSync } from "node:fs"
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

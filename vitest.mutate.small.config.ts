/**
 * The tests Stryker runs against src/signals, src/dfa and src/history mutants: the cip row's
 * config (one worker without isolation, project modules imported afresh per test file), with the
 * test files run smallest first. Vitest's own order runs the longest-running and last-failed files
 * first, so a mutant that a small unit test kills used to wait for the engine's TestClock tests
 * (or the regex properties) to run before it; Stryker stops at the first failing test.
 */
import { statSync } from "node:fs"
import { defineConfig, mergeConfig } from "vitest/config"
import { BaseSequencer, type TestSpecification } from "vitest/node"
import cip from "./vitest.mutate.cip.config.js"

class SmallestFirst extends BaseSequencer {
  override sort(files: Array<TestSpecification>): Promise<Array<TestSpecification>> {
    const size = (f: TestSpecification) => statSync(f.moduleId).size
    return Promise.resolve([...files].sort((a, b) => size(a) - size(b)))
  }
}

export default mergeConfig(cip, defineConfig({ test: { sequence: { sequencer: SmallestFirst } } }))

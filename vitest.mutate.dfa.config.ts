/**
 * The tests Stryker runs against src/dfa mutants: vitest.mutate.small.config.ts (one worker without
 * isolation, project modules imported afresh per test file, smallest files first), with "cpppo"
 * resolved to test/dfa/cpppoDfa.ts (the `Dfa` namespace the examples under examples/dfa import)
 * instead of src/index.ts: each test file importing an example re-imported the whole package for
 * every mutant, though only src/dfa is mutated and used.
 */
import { fileURLToPath } from "node:url"
import { defineConfig, mergeConfig } from "vitest/config"
import small from "./vitest.mutate.small.config.js"

const config = mergeConfig(small, defineConfig({}))
config.resolve = { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./test/dfa/cpppoDfa.ts", import.meta.url)) }] }
export default config

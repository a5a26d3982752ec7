/**
 * What the DFA examples import from "cpppo" (`Dfa`), without the rest of the package: the dfa
 * mutation runs alias "cpppo" here (vitest.mutate.dfa.config.ts), because every test file
 * re-imports the project's modules for each mutant and the whole package is most of that cost.
 */
export * as Dfa from "../../src/dfa/index.js"

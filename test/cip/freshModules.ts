/**
 * A setup file of vitest.mutate.cip.config.ts (mutation runs of src/cip, one worker without
 * isolation): each test file imports the project's modules afresh, so module state — the decoded
 * path and name caches of epath.ts, the Writer's scratch buffer — never carries a result computed
 * under one mutant into the run of the next, and module-level initialisers run with the mutant of
 * the run switched on. Packages (effect, fast-check) stay loaded: re-importing those per test file
 * was the cost that isolation added.
 */
import { vi } from "vitest"

vi.resetModules()

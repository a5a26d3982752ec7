/**
 * A Stryker reporter ("mutant-log") that appends each mutant's result to
 * `${CPPPO_MUTATION_REPORT}.jsonl` as soon as it is tested, one JSON line per mutant (file, line,
 * mutator, replacement, status). Stryker writes its JSON and HTML reports only when a run ends, so
 * a run stopped for lack of time left no per-file figures; with this log a stopped run's figures
 * are exact for the mutants it tested (`node scripts/mutant-log-scores.mjs <log>`). Opt-in:
 * `--plugins @stryker-mutator/vitest-runner,./scripts/stryker-mutant-log.mjs` and `mutant-log` added
 * to `--reporters`.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs"
import { dirname } from "node:path"
import { PluginKind, declareClassPlugin } from "@stryker-mutator/api/plugin"

class MutantLog {
  static inject = []
  file = `${process.env["CPPPO_MUTATION_REPORT"] ?? "reports/mutation/mutation"}.jsonl`
  constructor() {
    // A fresh clone has no reports/mutation yet (Stryker makes it only when its own reports are written).
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileSync(this.file, "")
  }
  onMutantTested(m) {
    this.write(m)
  }
  write(m) {
    appendFileSync(this.file, JSON.stringify({
      id: m.id, file: m.fileName, line: m.location.start.line, column: m.location.start.column,
      endLine: m.location.end.line, endColumn: m.location.end.column,
      mutator: m.mutatorName, replacement: m.replacement, status: m.status, static: m.static ?? false
    }) + "\n")
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, "mutant-log", MutantLog)]

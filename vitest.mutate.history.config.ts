/**
 * The tests Stryker runs against src/history mutants: vitest.mutate.small.config.ts (one worker
 * without isolation, project modules imported afresh per test file, smallest test files first),
 * narrowed per file. Timestamps, record lines and the writer are used by nearly every history
 * test, so with the whole folder's tests a mutant that survives re-runs all of them (the CLI's,
 * the plots', the 300,000-record read): with CPPPO_MUTATE_FILES set (scripts/mutate.mjs sets it
 * for `--mutate`), each file brings the test files that really exercise it (TESTS_OF). Without it,
 * or for a file not listed, the folder's whole set (CPPPO_MUTATE_TESTS) runs.
 */
import small, { narrowedTests } from "./vitest.mutate.small.config.js"

const t = (names: string): Array<string> => names.split(" ").map((n) => `test/history/${n}.test.ts`)

/** Per src/history file (its base name): the test files that must notice its mutants. */
const TESTS_OF: Record<string, Array<string>> = {
  timestamp: t("timestamp timestampEdges record"),
  tzdb: t("timestamp timestampEdges zones zoneEdges"),
  zoneRegistry: t("timestamp timestampEdges zones zoneEdges errorMessages"),
  reader: t("files readerEdges readerChunks gzipLive"),
  writer: t("files writerEdges writerDefaults gzipLive"),
  playback: t("playback playbackEdges"),
  record: t("record recordEdges files readerEdges tagRecord"),
  duration: t("duration durationEdges"),
  tagRecord: t("tagRecord"),
  recorder: t("recorderEdges historize recorderDefaults"),
  historize: t("historize recorderEdges"),
  recorderService: t("recorderEdges"),
  errors: t("errorMessages timestampEdges zones"),
  series: t("seriesEdges trendSvg"),
  plot: t("trendSvg trend"),
  timeAxis: t("timeTicksEdges trendSvg"),
  trend: t("trend trendSvg")
}

const include = narrowedTests(TESTS_OF) ?? small.test?.include

export default { ...small, test: { ...small.test, include } }

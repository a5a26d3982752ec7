/**
 * The tests Stryker runs against src/web mutants: vitest.mutate.small.config.ts (one worker without
 * isolation, project modules imported afresh per test file, smallest test files first) with the web
 * row's socket-free tests (CPPPO_MUTATE_TESTS), plus, for a `--mutate` run of the files below
 * (CPPPO_MUTATE_FILES, set by scripts/mutate.mjs), the HTTP test files that exercise them: each
 * starts a web server per test on 127.0.0.1 port 0 in-process and finishes in a few seconds
 * (events.test.ts about 8 s: it waits on the live stream's batching; test/server/fleet.test.ts and
 * test/hardening/web*.test.ts likewise, for fleet.ts and server.ts). perTest coverage runs only the
 * tests covering a mutant, so a file's extra tests cost nothing for the other files' mutants.
 * A run without `--mutate`, or of a file not listed, uses the row's tests alone.
 */
import small, { mutatedFiles } from "./vitest.mutate.small.config.js"

const t = (names: string): Array<string> => names.split(" ").map((n) => (n.includes("/") ? `test/${n}.test.ts` : `test/web/${n}.test.ts`))

/** Per src/web file (its base name): the HTTP test files that must notice its mutants too. */
const HTTP_TESTS_OF: Record<string, Array<string>> = {
  reply: t("api structures controllersGroup healthz"),
  // hardening/webPages: the Host and CORS guard and preflight (its live-page tests take 5-8 s);
  // hardening/web: malformed paths and %-escapes refused over HTTP.
  // serverEdges: Accept q-values, the token's syntax, every refusal's status, body and headers,
  // preflight, the Host guard's open paths, the URL logged, signals/replay/recorder in the context.
  // history: the /history/plot, /history/series and /history/files routes of the router.
  server: t("api structures healthz liveLimits controllersGroup hardening/web hardening/webPages serverEdges history"),
  historyRoutes: t("history liveLimits"),
  // server/fleet: a fleet of 50 in-process controllers; its web test (1 s) serves /<name>/api,
  // /api, /healthz, /metrics, the pages and the redirect (its other tests do not reach src/web).
  // api: "one controller named plc" (bareController: an app's own layers as one controller).
  // fleetRouting: /<name>/… routing and redirects, the fleet root's API and preflight, each
  // controller's history/signals/recorder, live options per controller, liveStats, /healthz.
  // serverEdges: one controller's routes through the fleet router (a malformed %-escape's 400).
  fleet: t("api controllersGroup healthz server/fleet fleetRouting serverEdges"),
  // liveHub: the hub without HTTP (first messages, snapshot fields, counters, backlog, subscription, stop).
  live: t("events liveBacklog liveLimits liveHub"),
  html: t("api healthz liveLimits"),
  assets: t("liveLimits api"),
  // pageText: the live page, trend.js and the fleet page as served (ids, endpoints, events, the
  // scripts compiled, the fleet page's script run in a vm), about 1 s.
  page: t("pageText liveLimits"),
  trendScript: t("pageText liveLimits"),
  fleetPage: t("pageText server/fleet")
}

const include = [
  ...(small.test?.include ?? []),
  ...new Set(mutatedFiles().flatMap((f) => HTTP_TESTS_OF[f] ?? []))
]

export default { ...small, test: { ...small.test, include } }

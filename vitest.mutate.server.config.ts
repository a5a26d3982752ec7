/**
 * The tests Stryker runs against each src/server mutant (stryker.server.config.mjs).
 *
 * With MUTATE_FILE set (the files a run mutates, comma-separated), each file brings its own test
 * list from TESTS_OF below: the smallest set of test files that really exercise it, socket-free
 * where the unit allows (the frame handler takes bytes and returns bytes; the framer, the reply
 * frame and the fleet file parser are pure). A mutant runs only the tests covering it, but a test
 * list that holds every server socket test makes each mutant of a file on the socket path (session
 * admission, the reply path) re-run them all: minutes per mutant instead of seconds.
 *
 * Without MUTATE_FILE (a whole-folder run, CI's changed lines): every file's list and the other
 * server tests that finish in seconds, over real sockets on 127.0.0.1 port 0. Left out, because
 * each covered test runs once per mutant: the defaults' 10 s frame cap and 2,048-session tests
 * (test/server/defaults.test.ts), the 50-controller fleet (fleet.test.ts) and the CLI binary
 * (cli.test.ts); they run in `npm test`.
 * MUTATE_TESTS (comma-separated globs) overrides both. CPPPO_MAX_PROPERTY_RUNS caps property run
 * counts (test/numRuns.ts).
 */
import path from "node:path"
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const t = (names: string): Array<string> => names.split(" ").map((n) => `test/server/${n}.test.ts`)

/** Per src/server file (its base name): the test files that must notice its mutants. */
const TESTS_OF: Record<string, Array<string>> = {
  address: t("address"),
  addressRange: t("addressRange"),
  limits: t("limits"),
  shard: t("shard"),
  stats: t("stats"),
  fleetSchema: t("fleetConfig fleetSpecs fleetStructures"),
  replyFrame: t("replyFrame inPlace"),
  framing: t("framing"),
  readBuffer: t("readBuffer"),
  registry: t("registry"),
  encapsulation: t("encapsulationHandler inPlace"),
  control: t("control"),
  fleetConfig: t("fleetConfig fleetSpecs fleetStructures"),
  tcp: t("tcpListener"),
  udp: t("udpListener udp"),
  server: t("serverLayer udp"),
  // Its own tests: over a socket double (sessionFlow, sessionTimers, sessionCleanup; timers faked
  // where time matters: what a real socket hides, socket-free, well under a second) and over TCP
  // (session). The other socket tests (tcpListener, encapsulation, attributes, connected, faults)
  // were its list before: about 12 s a mutant instead of 4. A whole-folder run still has them.
  session: t("sessionFlow sessionTimers sessionCleanup session"),
  simulator: t("simulatorParts simulatorConfig"),
  fleet: t("fleetStart fleetStructures")
}

/** A whole-folder run: every file's list, and the other server socket tests that finish in seconds. */
const ALL = Array.from(new Set([
  ...Object.values(TESTS_OF).flat(),
  ...t("attributes connected encapsulation faults sessions udp vectors")
]))

// A file may carry a line range (`src/server/fleetConfig.ts:120-140`, as Stryker's --mutate takes it).
const files = (process.env["MUTATE_FILE"] ?? "").split(",").map((f) => path.basename(f.trim().replace(/:[\d:-]+$/, ""), ".ts")).filter((f) => f !== "")
const perFile = files.length > 0 && files.every((f) => f in TESTS_OF)
  ? Array.from(new Set(files.flatMap((f) => TESTS_OF[f]!)))
  : ALL

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: process.env["MUTATE_TESTS"]?.split(",") ?? perFile,
    // test/cip/freshModules.ts: each test file imports the project's modules afresh (see below).
    setupFiles: ["./test/setupTests.ts", "./test/cip/freshModules.ts"],
    env: { CPPPO_MAX_PROPERTY_RUNS: "50" },
    // One worker without isolation: effect and fast-check are imported once, not per test file.
    // Isolation off alone kept the modules of the first test file, bound to the Stryker namespace
    // they first saw, so later test files ran without the mutant (false survivors); the setup file
    // test/cip/freshModules.ts (vi.resetModules) gives every test file fresh project modules, so
    // each sees the mutant of the run, module-level initialisers included.
    isolate: false,
    poolOptions: { threads: { isolate: false } },
    testTimeout: 60_000
  }
})

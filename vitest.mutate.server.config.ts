/**
 * The tests Stryker runs against each src/server mutant (stryker.server.config.mjs): the server
 * tests that finish in seconds, over real sockets on 127.0.0.1 port 0. Left out, because each
 * covered test runs once per mutant: the defaults' 10 s frame cap and 2,048-session tests
 * (test/server/defaults.test.ts), the 50-controller fleet (fleet.test.ts) and the CLI binary
 * (cli.test.ts); they run in `npm test`. CPPPO_MAX_PROPERTY_RUNS caps property run counts (test/numRuns.ts).
 * MUTATE_TESTS (comma-separated globs) runs a smaller set instead, e.g. only the socket-free unit
 * tests for the files they cover: a lower bound on the score, in a fraction of the time (every
 * server test covers the session admission and reply paths, so each mutant there runs them all).
 */
import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: { alias: [{ find: /^cpppo$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }] },
  test: {
    include: process.env["MUTATE_TESTS"]?.split(",") ?? [
      "test/server/{address,addressRange,attributes,connected,encapsulation,faults,fleetConfig,fleetStructures,limits,sessions,shard,stats,udp,vectors}.test.ts"
    ],
    setupFiles: ["./test/setupTests.ts"],
    env: { CPPPO_MAX_PROPERTY_RUNS: "50" },
    // One worker process for every run: module state is set up once, and mutants are switched at
    // run time, so nothing needs a fresh module graph per test file.
    isolate: false,
    poolOptions: { threads: { isolate: false } },
    testTimeout: 60_000
  }
})

// @ts-check
/**
 * Mutation testing of the server (src/server: sessions, listener, limits, connected messaging,
 * fleets): `npm run mutate -- server` (or `npx stryker run stryker.server.config.mjs`), or one file with
 * `MUTATE_FILE=src/server/limits.ts` (which then runs only that file's test list, TESTS_OF in
 * vitest.mutate.server.config.ts). Some of those tests use real sockets on 127.0.0.1 port 0; run it
 * inside /work/bin/netns-run (or any private network namespace) so tests that bind fixed loopback
 * addresses do not collide.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
import base from "./stryker.config.mjs"
import { scoped } from "./stryker.scoped.mjs"

export default {
  ...scoped(base, "server", "vitest.mutate.server.config.ts", ["src/server/**/*.ts", "!src/server/index.ts"]),
  // Static mutants (module-level initialisers: the fleet file's schema, constants) run every test
  // of the set, about a minute each on this machine: 125 of them took longer than all the rest.
  // Those initialisers still run in every test; what is skipped is switching them per mutant.
  ignoreStatic: true
}

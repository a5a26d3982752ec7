// @ts-check
/**
 * The one table of mutation-tested folders, read by `npm run mutate` (scripts/mutate.mjs) and
 * CI's `npm run mutate:changed` (scripts/mutate-changed.mjs). Per folder:
 * - `mutate`: Stryker's globs (files holding no behaviour, re-exports and type declarations, left out);
 * - `exclude`: the same left-out files as a pattern, for changed-line runs;
 * - `tests`: the socket-free test files that must notice its mutants (vitest.mutate.config.ts reads
 *   them from CPPPO_MUTATE_TESTS);
 * - `vitestConfig` (optional): a vitest config of the folder's own instead of vitest.mutate.config.ts
 *   (device and server: stryker.device/server.config.mjs use the same ones for per-file runs);
 * - `args` (optional): Stryker options the folder always runs with.
 * Each folder keeps its own incremental file, reports/stryker-incremental-<folder>.json.
 * @type {Record<string, { mutate: string[], exclude: RegExp, tests: string[], vitestConfig?: string, args?: string[] }>}
 */
export const FOLDERS = {
  enip: {
    mutate: ["src/enip/**/*.ts", "!src/enip/index.ts", "!src/enip/model.ts"],
    exclude: /\/(index|model)\.ts$/,
    tests: ["test/enip/**/*.test.ts", "test/cip/**/*.test.ts"]
  },
  cip: {
    mutate: ["src/cip/**/*.ts", "!src/cip/index.ts", "!src/cip/model.ts"],
    exclude: /\/(index|model)\.ts$/,
    tests: ["test/cip/**/*.test.ts"],
    // One worker without per-file isolation, project modules imported afresh per test file.
    vitestConfig: "vitest.mutate.cip.config.ts"
  },
  tags: {
    mutate: ["src/tags/**/*.ts", "!src/tags/index.ts"],
    exclude: /\/index\.ts$/,
    tests: ["test/tags/**/*.test.ts"]
  },
  device: {
    mutate: ["src/device/**/*.ts", "!src/device/index.ts"],
    exclude: /\/index\.ts$/,
    tests: ["test/device/**/*.test.ts"],
    vitestConfig: "vitest.mutate.device.config.ts"
  },
  server: {
    mutate: ["src/server/**/*.ts", "!src/server/index.ts"],
    exclude: /\/index\.ts$/,
    // The server tests that finish in seconds (vitest.mutate.server.config.ts lists them).
    tests: [],
    vitestConfig: "vitest.mutate.server.config.ts",
    // Module-level initialisers (the fleet file's schema) each re-ran every server test.
    args: ["--ignoreStatic"]
  },
  modbus: {
    mutate: ["src/modbus/**/*.ts", "!src/modbus/index.ts"],
    exclude: /\/index\.ts$/,
    // The codec, addresses, runs and request planning, the handler against a TagStore and the
    // bridge's specs, word orders and Attribute over a recording poller (no socket); the device,
    // the client connection (a scripted device), poller and bridge against in-process servers on
    // 127.0.0.1 port 0 (under 3 s a test; perTest coverage runs only those covering a mutant).
    // Left out (they run in npm test): the CLI binary (cli, pollExit), pymodbus (Python),
    // fuzz.test.ts (its live half runs 8 s) and frameCap.test.ts (it waits out the 10 s frame cap).
    tests: [
      "codec", "requests", "responses", "addresses", "handler", "printEvents", "badinput", "device", "deviceConfig", "exceptions",
      "writeLimits", "connection", "pollerChecks", "poller", "pollerWrites", "pollerWire", "bridgeSpecs", "bridge", "bridgeAge", "jsmodbus"
    ].map((t) => `test/modbus/${t}.test.ts`),
    // vitest.mutate.config.ts for the whole row; a `--mutate` run of poller, bridge, client or
    // device narrowed to that file's own tests (TESTS_OF in vitest.mutate.modbus.config.ts).
    vitestConfig: "vitest.mutate.modbus.config.ts",
    // Module-level tables (function codes, exception names, limits) each re-ran every test.
    args: ["--ignoreStatic"]
  },
  client: {
    mutate: ["src/client/**/*.ts", "!src/client/index.ts"],
    exclude: /\/index\.ts$/,
    // The operation parser and printer, the jobs, the hot-path framing, the request table, the
    // processor and client service against a fake device (no socket); the session, discovery,
    // structure templates, client and runClient against in-process servers on 127.0.0.1 port 0
    // (under a second a file). cli.test.ts and structures.test.ts each end with one test of the
    // built binary, which covers no mutant and so never re-runs (perTest coverage).
    tests: [
      "operations", "operationEdges", "processor", "processorPacking", "jobs", "results", "service", "wire", "attributes", "requestTable", "peekFrame",
      "printLines", "numbers", "session", "sessionReplies", "register", "faults", "routing", "simulator", "discovery", "listReplies",
      "templates", "templateEdges", "runClient", "clientApi", "structures", "cli"
    ].map((t) => `test/client/${t}.test.ts`),
    args: ["--ignoreStatic"]
  },
  web: {
    mutate: ["src/web/**/*.ts", "!src/web/index.ts"],
    exclude: /\/index\.ts$/,
    // Socket-free: the API path grammar, globs, value conversion, metrics text, the moving-tags
    // page, the API's answers (answers.test.ts: api.ts and groups.ts without HTTP), Host and
    // Origin checks (origin.test.ts), options/signals and options/replay against fakes
    // (playItems.test.ts) and through the API with signals, a replay, both or neither (optionsGroup.test.ts), the tags group's edges (tagsGroup.test.ts), the metrics' declarations and structure/number conversions
    // (metricsHelp.test.ts, convertEdges.test.ts), glob classes (globClasses.test.ts). Left out
    // (they run in npm test): the HTTP tests (api, events, structures, history: a web server per
    // test, events waits on its batching), Chromium (page, trend) and the CLI simulator (e2e).
    // historyRefusal.test.ts: historyRoutes.ts's read refusals without a server.
    // liveHub.test.ts: live.ts's hub (first messages, snapshots, counters, backlog, stop) without HTTP.
    tests: ["request", "apiPaths", "metrics", "moving", "answers", "optionsGroup", "tagsGroup", "origin", "playItems", "metricsHelp", "convertEdges", "globClasses", "historyRefusal", "liveHub"].map((t) => `test/web/${t}.test.ts`),
    // One worker without isolation, project modules imported afresh per test file (as cip): the
    // row's ten files ran in 7 s this way, 42 s isolated, on this machine under load.
    // vitest.mutate.web.config.ts is that config plus, for a `--mutate` run of reply, server,
    // historyRoutes, fleet, live, html, assets, page, trendScript or fleetPage, the in-process HTTP tests that exercise the file
    // (HTTP_TESTS_OF there: a web server per test on 127.0.0.1 port 0, seconds a file).
    vitestConfig: "vitest.mutate.web.config.ts",
    args: ["--ignoreStatic"]
  },
  cli: {
    mutate: ["src/cli/**/*.ts", "!src/cli/bin.ts"],
    exclude: /\/bin\.ts$/,
    // In-process: argument preparation and the parsed defaults, the README's examples parsed,
    // cpppo.cfg and JSON config files, and the commands run through main.ts's `cli`: their own
    // checks (commandUsage.test.ts), the enip client, get-attribute and poll against a simulator
    // on 127.0.0.1 port 0 (enipCommands.test.ts; the services each client option asks for, List* over TCP, -v and -l: enipClientServices.test.ts), enip server itself (enipServerCommand.test.ts), enip fleet's own checks and options read back (enipFleetCommand.test.ts), modbus server and poll (modbusCommands.test.ts); the shared options parsed (serverOptions.test.ts); both polls' --historize and -l (pollHistorize.test.ts). The enip client's send and route paths as bytes, against a recording listener (enipClientWire.test.ts). The help text of a small tree of every kind of option, -h and --version through `cli` (helpText.test.ts; help.test.ts is left out: half of it runs the built binary). The log lines and levels through the logging layer, the -l file's rotation (logLevels.test.ts, logRotation.test.ts: 70 MB written, 2 s); what --historize records and its recorder's alarm, -w's history files, --replay, and runSimulator as an app calls it (serverExtras.test.ts); spec.ts's declarations as @effect/cli parses them without the argv check (specParse.test.ts).
    // Every other CLI test runs the built binary (dist/), which does not see Stryker's mutants.
    // The history commands run in-process in test/history/{cli,plot}.test.ts.
    tests: [
      ...["argv", "defaults", "clientAddress", "readme", "ini", "configFiles", "commandUsage", "enipCommands", "enipClientServices", "enipServerCommand", "enipFleetCommand", "modbusCommands", "serverOptions", "pollHistorize", "enipClientWire", "helpText", "logLevels", "logRotation", "serverExtras", "specParse"].map((t) => `test/cli/${t}.test.ts`),
      "test/history/cli.test.ts", "test/history/plot.test.ts"
    ],
    // One worker without isolation, project modules imported afresh per test file (as cip),
    // narrowed per file for `--mutate` runs (TESTS_OF in vitest.mutate.cli.config.ts).
    vitestConfig: "vitest.mutate.cli.config.ts",
    args: ["--ignoreStatic"]
  },
  poll: {
    mutate: ["src/poll/**/*.ts", "!src/poll/index.ts"],
    exclude: /\/index\.ts$/,
    // In-process: the poller against a simulator on 127.0.0.1 port 0.
    tests: ["test/poll/**/*.test.ts"]
  },
  replay: {
    mutate: ["src/replay/**/*.ts", "!src/replay/index.ts"],
    exclude: /\/index\.ts$/,
    // Not endToEnd.test.ts: it runs the built binary, which never sees a mutant.
    tests: ["test/replay/replay.test.ts", "test/replay/scan.test.ts", "test/replay/apply.test.ts"]
  },
  signals: {
    mutate: ["src/signals/**/*.ts", "!src/signals/index.ts"],
    exclude: /\/index\.ts$/,
    tests: ["test/signals/**/*.test.ts"],
    // One worker without isolation, project modules imported afresh per test file (as cip), the
    // smallest test files first: most of a mutant's time was re-importing effect per test file,
    // and the engine's TestClock tests running before the unit test that kills it.
    vitestConfig: "vitest.mutate.small.config.ts",
    // Module-level tables (the generators' parameters and usage lines, operators, units, math
    // functions: about 210 mutants) each re-ran every test.
    args: ["--ignoreStatic"]
  },
  dfa: {
    mutate: ["src/dfa/**/*.ts", "!src/dfa/index.ts"],
    exclude: /\/index\.ts$/,
    tests: ["test/dfa/**/*.test.ts"],
    // The small config with "cpppo" resolved to the Dfa namespace alone (the examples' import).
    vitestConfig: "vitest.mutate.dfa.config.ts",
    args: ["--ignoreStatic"],
    // `npm run mutate` only (not CI's changed-line job): the mutant-log reporter, each mutant's
    // result written as it is tested (reports/mutation/<name>.jsonl), so a run stopped for lack of
    // time still gives exact figures for what it tested.
    runArgs: ["--plugins", `@stryker-mutator/vitest-runner,./scripts/stryker-mutant-log.mjs${
      process.env["CPPPO_MUTATE_TSCHECK"] === "1" ? ",@stryker-mutator/typescript-checker" : ""}`,
      "--reporters", "clear-text,progress-append-only,html,json,mutant-log"]
  },
  history: {
    mutate: ["src/history/**/*.ts", "!src/history/index.ts"],
    exclude: /\/index\.ts$/,
    // vitest.mutate.small.config.ts narrowed per file for `--mutate` runs (TESTS_OF there).
    vitestConfig: "vitest.mutate.history.config.ts",
    // In-process on temp dirs (the CLI through src/cli/main.ts); the tests that spawn a process
    // do not see mutants and are simply not counted.
    tests: ["test/history/**/*.test.ts"],
    // Module-level constants and tables (the timestamp and offset patterns, the regions' zone
    // lists, defaults) each re-ran every history test file.
    args: ["--ignoreStatic"]
  }
}

/** The environment a Stryker run of `folder` needs (its tests, its vitest config). */
export const folderEnv = (/** @type {string} */ folder, /** @type {string | undefined} */ narrowed = undefined) => {
  const row = FOLDERS[folder]
  if (row === undefined) throw new Error(`no mutation folder ${folder}`)
  return {
    ...(row.tests.length > 0 ? { CPPPO_MUTATE_TESTS: row.tests.join(",") } : {}),
    MUTATE_VITEST_CONFIG: row.vitestConfig ?? "vitest.mutate.config.ts",
    // The files (or line ranges) of a narrowed run, `npm run mutate -- --mutate …` and CI's
    // changed-line job alike: a folder's vitest config adds the tests those files need (web's
    // HTTP tests) or keeps only the ones that load them.
    ...(narrowed === undefined ? {} : { CPPPO_MUTATE_FILES: narrowed })
  }
}

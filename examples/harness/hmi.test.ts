/**
 * Testing your own software against the simulator, with @effect/vitest: compose the simulator,
 * the web API and your code's client in one Layer, then run scripted client fibers (with faults)
 * next to it and assert on the report.
 *
 *   npx vitest run --config examples/harness/vitest.config.ts
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Client as C, Server, Testing, Web } from "cpppo"

const { Client } = C
const { EnipServer, SimulatorLive } = Server
const { fault, formatReport, runHarness, step } = Testing
const { WebApiLive, WebServer } = Web

/** "Your" software: a tiny HMI that raises an alarm when the tank level is high. */
const checkTank = Effect.gen(function* () {
  const client = yield* Client
  const [level] = (yield* client.read("LEVEL")) as ReadonlyArray<number>
  if (level! > 90) yield* client.write("ALARM", [1])
  return level!
})

const Simulator = SimulatorLive({ host: "127.0.0.1", port: 0, tags: ["LEVEL=REAL", "ALARM=DINT", "PUMP=DINT[4]"] })
const WebUi = WebApiLive({ host: "127.0.0.1", port: 0 })
const HmiClient = Layer.unwrapEffect(Effect.map(EnipServer, ({ address }) => Client.layer({ host: "127.0.0.1", port: address.port })))
const App = Layer.mergeAll(WebUi, HmiClient).pipe(Layer.provideMerge(Simulator))

layer(App, { excludeTestServices: true })("tank HMI against the simulator", (it) => {
  it.effect("raises the alarm when an operator script fills the tank; survives a slow controller", () =>
    Effect.gen(function* () {
      const web = yield* WebServer
      expect(web.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      // An "operator" fills the tank, while a "noise" script hammers the pumps and slows the
      // controller down for a moment.
      const report = yield* runHarness([
        { name: "operator", steps: [step.write("LEVEL", [95.5], { type: "REAL" }), step.read("LEVEL", [95.5])] },
        {
          name: "noise",
          client: { timeout: "2 seconds" },
          steps: [step.fault(fault.delay(0.1)), step.write("PUMP[0-3]", [1, 2, 3, 4]), step.fault(fault.delay(0)), step.read("PUMP[0-3]", [1, 2, 3, 4])],
          repeat: 3
        }
      ])
      expect(report.ok, formatReport(report)).toBe(true)

      // Now run "our" HMI logic and check what it did.
      expect(yield* checkTank).toBeCloseTo(95.5)
      const after = yield* runHarness([{ name: "alarm raised", steps: [step.read("ALARM", [1])] }])
      expect(after.ok, formatReport(after)).toBe(true)
    }))
})

/**
 * The README's harness example, runnable: an "operator" script works normally while an "outage"
 * script forces a tag error, then loses its own connection (a cable pulled at that HMI), sees no
 * reply, reconnects and carries on. The operator is not disturbed: `fault.eof("own")` drops only
 * the injecting script's session, where `fault.eof()` would drop every session (the web API's eof).
 *
 *   npx tsx examples/harness/outage.ts        # prints the report; exit status 1 if a script failed
 */
import { Console, Effect } from "effect"
import { type Client, Testing } from "cpppo"

const { runAgainstSimulator, step, fault, formatReport } = Testing

/** "Your" HMI logic: poll the tank level and raise the alarm above 90. */
export const myHmiPoll = (client: Client.ClientService) =>
  Effect.gen(function* () {
    const [level] = (yield* client.read("LEVEL")) as ReadonlyArray<number>
    if (level! > 90) yield* client.write("ALARM", [1])
  })

/** The two scripts, against a simulator started for the run. */
export const outage = runAgainstSimulator(["LEVEL=REAL", "ALARM=DINT"], [
  { name: "operator", steps: [step.write("LEVEL", [95.5]), step.read("LEVEL", [95.5])] },
  {
    name: "outage",
    client: { timeout: "500 millis" },
    steps: [
      step.fault(fault.forceError("ALARM", 0xff, [0x2105])), step.read("ALARM", { status: 0xff }),
      step.fault(fault.clearError("ALARM")),
      step.fault(fault.eof("own")), step.read("ALARM", { noReply: true }), step.reconnect(), step.read("ALARM", [0]),
      step.check("my HMI logic", (client) => myHmiPoll(client))
    ]
  }
])

if (import.meta.url === `file://${process.argv[1]}`) {
  Effect.runPromise(Effect.flatMap(outage, (report) =>
    Effect.zipRight(Console.log(formatReport(report)), Effect.sync(() => { process.exitCode = report.ok ? 0 : 1 }))))
}

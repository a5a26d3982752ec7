import { Command } from "@effect/cli"

/** `cpppo history …` (placeholder until the history module lands). */
export const historyCommand = Command.make("history").pipe(
  Command.withDescription("Read, summarize and play back time-series history files")
)

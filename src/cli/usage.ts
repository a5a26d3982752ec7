import { Data, Effect } from "effect"

/** A command-line mistake found after parsing (bad tag spec, address, delay …): one line, exit 2. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

export const usage = (message: string) => Effect.fail(new UsageError({ message }))

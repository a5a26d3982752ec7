/**
 * @effect/cli cannot repeat a boolean flag (`-vv`, `-v -v`), so verbosity is counted from argv
 * before parsing and passed on as `--verbosity N`.
 */
export const countVerbose = (argv: ReadonlyArray<string>): Array<string> => {
  const out: Array<string> = []
  let count = 0
  let sawSubcommand = false
  for (const arg of argv) {
    if (arg === "--") {
      sawSubcommand = true
    }
    if (!sawSubcommand && (arg === "--verbose" || /^-v+$/.test(arg))) {
      count += arg === "--verbose" ? 1 : arg.length - 1
      continue
    }
    out.push(arg)
  }
  if (count > 0) out.push("--verbosity", String(count))
  return out
}

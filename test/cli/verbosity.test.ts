import { describe, expect, it } from "@effect/vitest"
import { countVerbose } from "../../src/cli/verbosity.js"

describe("countVerbose", () => {
  it("counts -v, -vv and --verbose anywhere and passes the rest through", () => {
    expect(countVerbose(["node", "cpppo", "enip", "server", "-vv", "X=INT", "-v", "--verbose"])).toEqual([
      "node", "cpppo", "enip", "server", "X=INT", "--verbosity", "4"
    ])
  })
  it("adds nothing when there is no -v", () => {
    expect(countVerbose(["node", "cpppo", "enip", "client", "-a", "h"])).toEqual(["node", "cpppo", "enip", "client", "-a", "h"])
  })
  it("leaves arguments after -- alone", () => {
    expect(countVerbose(["node", "cpppo", "--", "-v"])).toEqual(["node", "cpppo", "--", "-v"])
  })
})

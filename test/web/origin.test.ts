/**
 * Who may talk to the web server (src/web/origin.ts): Host names served (DNS rebinding), CORS
 * headers (opt-in), and the refusal of cross-site commands, at their edges.
 */
import { describe, expect, it } from "@effect/vitest"
import { hostname } from "node:os"
import { corsHeaders, crossSiteRefusal, hostAllowed, hostOf, originPolicy } from "../../src/web/origin.js"

describe("Host", () => {
  it("hostOf: lower case, no port, no trailing dot, IPv6 without brackets", () => {
    expect(hostOf("Example.COM.:80")).toBe("example.com")
    expect(hostOf("  example.com  ")).toBe("example.com")
    expect(hostOf("[::1]:8080")).toBe("::1")
    expect(hostOf("[::1]")).toBe("::1")
    expect(hostOf("[::1")).toBe("[::1")
    expect(hostOf("::1")).toBe("::1") // two colons: no port to cut
    expect(hostOf("127.0.0.1:80")).toBe("127.0.0.1")
    expect(hostOf("plc")).toBe("plc")
    expect(hostOf(":80")).toBe("") // a port alone: no host, which no policy serves
  })

  it("served: IP addresses, localhost and *.localhost, this machine's name, --web-host names; no Host header", () => {
    const p = originPolicy([" Scada.Example. ", "", "  "])
    expect([...p.hosts].includes("")).toBe(false)
    for (const h of ["127.0.0.1", "10.1.2.3:8080", "[::1]:80", "localhost", "LOCALHOST:80", "app.localhost", "scada.example", "scada.example.:80", hostname(), hostname().split(".")[0]!]) {
      expect(hostAllowed(p, h), h).toBe(true)
    }
    expect(hostAllowed(p, undefined)).toBe(true)
    for (const h of ["evil.example", "localhost.evil.example", "example", "scada.example.evil", "xlocalhost"]) expect(hostAllowed(p, h), h).toBe(false)
    expect(hostAllowed(originPolicy(), "scada.example")).toBe(false)
    // Without --web-host: exactly localhost and this machine's names (not a part of one).
    const own = hostname().toLowerCase()
    expect([...originPolicy().hosts].sort()).toEqual([...new Set(["localhost", own, own.split(".")[0]!])].sort())
    expect(hostAllowed(originPolicy(), ":80")).toBe(false)
  })
})

describe("CORS", () => {
  it("none unless --web-cors; * for any; a listed origin (trailing slashes ignored) echoed with Vary", () => {
    expect(corsHeaders(originPolicy(), "http://a.example")).toEqual({})
    expect(corsHeaders(originPolicy([], ["*"]), "http://a.example")).toEqual({ "access-control-allow-origin": "*" })
    expect(corsHeaders(originPolicy([], ["*"]), undefined)).toEqual({ "access-control-allow-origin": "*" })
    const p = originPolicy([], [" http://a.example/ ", ""])
    expect(p.cors).toEqual(["http://a.example"])
    expect(originPolicy([], ["http://a.example//"]).cors).toEqual(["http://a.example"])
    expect(corsHeaders(p, "http://a.example")).toEqual({ "access-control-allow-origin": "http://a.example", vary: "Origin" })
    expect(corsHeaders(p, "http://a.example//")).toEqual({ "access-control-allow-origin": "http://a.example//", vary: "Origin" })
    expect(corsHeaders(p, "http://b.example")).toEqual({ vary: "Origin" })
    expect(corsHeaders(p, undefined)).toEqual({ vary: "Origin" })
  })
})

describe("cross-site commands", () => {
  const p = originPolicy([], ["http://ok.example"])
  it("an Origin of our own host, or an allowed one, may command; another is refused by name", () => {
    expect(crossSiteRefusal(p, { origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080" })).toBeUndefined()
    expect(crossSiteRefusal(p, { origin: "http://PLC:8080", host: " plc:8080 " })).toBeUndefined()
    expect(crossSiteRefusal(p, { origin: "http://ok.example/", host: "127.0.0.1:8080" })).toBeUndefined()
    expect(crossSiteRefusal(originPolicy([], ["*"]), { origin: "http://any.example", host: "127.0.0.1" })).toBeUndefined()
    expect(crossSiteRefusal(p, { origin: "http://127.0.0.1:9999", host: "127.0.0.1:8080" }))
      .toBe("a command from the page of another origin (http://127.0.0.1:9999) is refused; allow it with --web-cors")
    expect(crossSiteRefusal(p, { origin: "http://evil.example" }))
      .toBe("a command from the page of another origin (http://evil.example) is refused; allow it with --web-cors")
    expect(crossSiteRefusal(p, { origin: "not a url", host: "127.0.0.1" }))
      .toBe("a command from the page of another origin (not a url) is refused; allow it with --web-cors")
  })
  it("without an Origin: Sec-Fetch-Site cross-site or same-site, or Origin null, is refused; same-origin, none and curl may command", () => {
    const refused = "a command from another site's page is refused; allow its origin with --web-cors"
    expect(crossSiteRefusal(p, { fetchSite: "cross-site" })).toBe(refused)
    expect(crossSiteRefusal(p, { fetchSite: "Same-Site" })).toBe(refused)
    expect(crossSiteRefusal(p, { origin: "null" })).toBe(refused)
    expect(crossSiteRefusal(p, { origin: "null", fetchSite: "same-origin" })).toBe(refused)
    expect(crossSiteRefusal(p, { fetchSite: "same-origin" })).toBeUndefined()
    expect(crossSiteRefusal(p, { fetchSite: "none" })).toBeUndefined()
    expect(crossSiteRefusal(p, {})).toBeUndefined()
  })
})

/**
 * Who may talk to the web server: the Host a request names, and the Origin of a browser page.
 *
 * - **Host.** A DNS-rebinding page reaches us under the attacker's own name, and its requests carry
 *   that name in `Host`. So a request is served only when `Host` is an IP address (v4 or `[v6]`),
 *   `localhost`, this machine's host name, or a name given with `--web-host`. Any port goes (a
 *   proxy or a published container port may change it).
 * - **CORS** is opt-in (`--web-cors ORIGIN`, or `*`): without it, no reply carries
 *   `Access-Control-Allow-Origin`, so another site's script cannot read the answers.
 * - **Cross-site commands.** A command that changes the simulator is refused when a browser says
 *   the request comes from another site (`Sec-Fetch-Site: cross-site|same-site`, or an `Origin`
 *   that is not ours) and that origin is not allowed: an `<img src=…/done=true>` on a page the
 *   operator visits changes nothing.
 */
import { isIP } from "node:net"
import { hostname } from "node:os"

/** The web server's policy for Host and Origin. */
export interface OriginPolicy {
  /** Host names accepted besides IP addresses, `localhost` and this machine's name (lower case). */
  readonly hosts: ReadonlySet<string>
  /** Origins allowed to read replies and send commands from a browser; `*` for any. */
  readonly cors: ReadonlyArray<string>
}

/** Build the policy from the options (`--web-host`, `--web-cors`). */
export const originPolicy = (extraHosts: ReadonlyArray<string> = [], cors: ReadonlyArray<string> = []): OriginPolicy => {
  const hosts = new Set(["localhost"])
  const own = hostname().toLowerCase()
  if (own !== "") {
    hosts.add(own)
    hosts.add(own.split(".")[0]!)
  }
  for (const h of extraHosts) if (h.trim() !== "") hosts.add(h.trim().toLowerCase().replace(/\.$/, ""))
  return { hosts, cors: cors.map((o) => o.trim().replace(/\/+$/, "")).filter((o) => o !== "") }
}

/** The host part of a Host header (`[::1]:8080` → `::1`, `Example.com.:80` → `example.com`). */
export const hostOf = (header: string): string => {
  const h = header.trim().toLowerCase()
  if (h.startsWith("[")) {
    const end = h.indexOf("]")
    return end < 0 ? h : h.slice(1, end)
  }
  const colon = h.lastIndexOf(":")
  return (colon >= 0 && h.indexOf(":") === colon ? h.slice(0, colon) : h).replace(/\.$/, "")
}

/** May a request naming this Host be served? (No Host header: an old HTTP/1.0 client, not a browser.) */
export const hostAllowed = (policy: OriginPolicy, header: string | undefined): boolean => {
  if (header === undefined) return true
  const host = hostOf(header)
  return isIP(host) !== 0 || policy.hosts.has(host) || host.endsWith(".localhost")
}

const corsAllows = (policy: OriginPolicy, origin: string): boolean =>
  policy.cors.includes("*") || policy.cors.includes(origin.replace(/\/+$/, ""))

/** CORS headers for a reply to a request with this Origin (none unless allowed). */
export const corsHeaders = (policy: OriginPolicy, origin: string | undefined): Record<string, string> => {
  if (policy.cors.length === 0) return {}
  if (policy.cors.includes("*")) return { "access-control-allow-origin": "*" }
  return origin !== undefined && corsAllows(policy, origin) ? { "access-control-allow-origin": origin, vary: "Origin" } : { vary: "Origin" }
}

/**
 * Why a state-changing request from a browser must be refused, or undefined when it may run: it
 * comes from another site (by `Origin`, or `Sec-Fetch-Site` when the browser sends no Origin) that
 * `--web-cors` does not allow.
 */
export const crossSiteRefusal = (
  policy: OriginPolicy,
  headers: { readonly origin?: string | undefined; readonly host?: string | undefined; readonly fetchSite?: string | undefined }
): string | undefined => {
  const origin = headers.origin
  if (origin !== undefined && origin !== "null") {
    let sameHost = false
    try {
      sameHost = headers.host !== undefined && new URL(origin).host.toLowerCase() === headers.host.trim().toLowerCase()
    } catch {
      sameHost = false
    }
    if (sameHost || corsAllows(policy, origin)) return undefined
    return `a command from the page of another origin (${origin}) is refused; allow it with --web-cors`
  }
  const site = headers.fetchSite?.toLowerCase()
  if (site === "cross-site" || site === "same-site" || origin === "null") {
    return "a command from another site's page is refused; allow its origin with --web-cors"
  }
  return undefined
}

/**
 * The `-w/--web [iface][:port]` argument: `:8080` binds the EtherNet/IP server's interface,
 * `localhost` the default port, `[::1]:8080` an IPv6 address.
 */
import { Either } from "effect"

/** cpppo's default web port. */
export const DEFAULT_WEB_PORT = 80

/** Parse `[iface][:port]`; an empty interface means `serverHost` (the EtherNet/IP bind address). */
export const parseWebAddress = (
  text: string,
  serverHost: string,
  defaultPort: number = DEFAULT_WEB_PORT
): Either.Either<{ readonly host: string; readonly port: number }, string> => {
  const t = text.trim()
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*))(?::(\d*))?$/.exec(t)
  if (m === null) return Either.left(`--web ${JSON.stringify(text)}: expected [interface][:port]`)
  const host = m[1] ?? m[2] ?? ""
  const portText = m[3] ?? ""
  const port = portText === "" ? defaultPort : Number(portText)
  if (!Number.isInteger(port) || port < 0 || port > 65535) return Either.left(`--web ${JSON.stringify(text)}: port ${portText} out of range 0..65535`)
  return Either.right({ host: host === "" ? (serverHost === "" ? "0.0.0.0" : serverHost) : host, port })
}

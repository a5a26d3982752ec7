/** `[iface][:port]` addresses as cpppo takes them (`-a`, `-w`): `""`, `:0`, `host`, `host:port`, `[::1]:44818`. */
import { Either } from "effect"

export interface HostPort {
  readonly host: string
  readonly port: number
}

export const parseAddress = (text: string, defaults: HostPort): Either.Either<HostPort, string> => {
  const t = text.trim()
  const bad = (why: string) => Either.left(`invalid address ${JSON.stringify(text)}: ${why}`)
  let host: string
  let portText: string | undefined
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(t)
  if (v6 !== null) {
    host = v6[1]!
    portText = v6[2]
  } else {
    const i = t.lastIndexOf(":")
    if (i >= 0 && t.indexOf(":") !== i) {
      host = t // a bare IPv6 address
    } else if (i >= 0) {
      host = t.slice(0, i)
      portText = t.slice(i + 1)
    } else {
      host = t
    }
  }
  if (host !== "" && !/^[A-Za-z0-9_.:%-]+$/.test(host)) return bad("host has characters a host name cannot have")
  let port = defaults.port
  if (portText !== undefined && portText !== "") {
    if (!/^\d+$/.test(portText)) return bad("port must be a number")
    port = Number(portText)
    if (port > 65535) return bad("port must be 0..65535")
  }
  return Either.right({ host: host === "" ? defaults.host : host, port })
}

/** `host:port` as `-a` takes it back: IPv6 hosts in brackets (`[::1]:44818`). */
export const formatAddress = (a: HostPort): string => (a.host.includes(":") ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`)

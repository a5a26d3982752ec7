/**
 * Discovery: List Identity, List Services and List Interfaces, over TCP (on a session) or UDP to
 * one address; broadcast (to 255.255.255.255 or a subnet's broadcast address) only when asked for.
 */
import { Duration, Effect, Either } from "effect"
import * as dgram from "node:dgram"
import { decodeFrame, encodeFrame } from "../enip/frame.js"
import type { CpfItem, EnipBody } from "../enip/model.js"
import { ClientError } from "./errors.js"
import type { Session } from "./session.js"

export type ListCommand = "ListIdentity" | "ListServices" | "ListInterfaces"

/** One reply to a List* request: who answered, and the CPF items. */
export interface ListReply {
  readonly from: string
  readonly items: ReadonlyArray<CpfItem>
}

const requestBody = (command: ListCommand): EnipBody => ({ _tag: command, items: [] })

/** Ask over an open TCP session. */
export const listOverTcp = (session: Session, command: ListCommand, from: string): Effect.Effect<ListReply, ClientError> =>
  Effect.flatMap(session.command(requestBody(command)), (frame) => {
    const b = frame.body
    if (b._tag === "ListIdentity" || b._tag === "ListServices" || b._tag === "ListInterfaces") {
      return Effect.succeed({ from, items: b.items })
    }
    return Effect.fail(new ClientError({ reason: "Protocol", message: `unexpected ${b._tag} reply to ${command}` }))
  })

export interface UdpListOptions {
  readonly host: string
  readonly port: number
  readonly timeout: Duration.DurationInput
  /**
   * Allow broadcast on the socket (the host may be 255.255.255.255 or a subnet's broadcast address)
   * and gather every answer until the timeout instead of returning the first.
   */
  readonly broadcast?: boolean
}

/**
 * Ask over UDP. Unicast returns the first answer (or fails on timeout); broadcast returns every
 * answer that arrives before the timeout (possibly none).
 */
export const listOverUdp = (command: ListCommand, options: UdpListOptions): Effect.Effect<ReadonlyArray<ListReply>, ClientError> =>
  Effect.async<ReadonlyArray<ListReply>, ClientError>((resume) => {
    const socket = dgram.createSocket("udp4")
    const replies: Array<ListReply> = []
    const broadcast = options.broadcast === true
    let finished = false
    const finish = (result: Effect.Effect<ReadonlyArray<ListReply>, ClientError>) => {
      if (finished) return
      finished = true
      clearTimeout(timer)
      socket.close()
      resume(result)
    }
    const timer = setTimeout(() => {
      finish(broadcast || replies.length > 0
        ? Effect.succeed(replies)
        : Effect.fail(new ClientError({ reason: "Timeout", message: `no ${command} reply from ${options.host}:${options.port} within ${Duration.format(Duration.decode(options.timeout))}` })))
    }, Duration.toMillis(Duration.decode(options.timeout)))
    socket.on("error", (e) => finish(Effect.fail(new ClientError({ reason: "Connect", message: `UDP ${command}: ${e.message}` }))))
    socket.on("message", (msg, rinfo) => {
      const frame = decodeFrame(new Uint8Array(msg.buffer, msg.byteOffset, msg.length))
      if (Either.isLeft(frame)) return
      const b = frame.right.body
      if (b._tag !== command) return
      replies.push({ from: `${rinfo.address}:${rinfo.port}`, items: b.items })
      if (!broadcast) finish(Effect.succeed(replies))
    })
    const bytes = encodeFrame({ header: { sessionHandle: 0, status: 0, senderContext: new Uint8Array(8), options: 0 }, body: requestBody(command) })
    socket.bind(0, () => {
      if (broadcast) socket.setBroadcast(true)
      socket.send(bytes, options.port, options.host, (e) => {
        if (e) finish(Effect.fail(new ClientError({ reason: "Connect", message: `UDP ${command}: ${e.message}` })))
      })
    })
    return Effect.sync(() => finish(Effect.succeed(replies)))
  })

const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, "0")}`

/** Human-readable lines for a List* reply. */
export const formatListReply = (command: ListCommand, reply: ListReply): ReadonlyArray<string> => {
  const lines = [`${command} from ${reply.from}: ${reply.items.length} item${reply.items.length === 1 ? "" : "s"}`]
  for (const it of reply.items) {
    switch (it._tag) {
      case "ListIdentity": {
        const i = it.identity
        lines.push(
          `  Product Name:   ${JSON.stringify(i.productName)}`,
          `  Vendor ID:      ${i.vendorId}`,
          `  Device Type:    ${i.deviceType}`,
          `  Product Code:   ${i.productCode}`,
          `  Revision:       ${i.revision[0]}.${i.revision[1]}`,
          `  Status:         ${hex(i.status, 4)}`,
          `  Serial Number:  ${hex(i.serialNumber, 8)}`,
          `  State:          ${i.state}`,
          `  Socket Address: ${i.sockaddr.address}:${i.sockaddr.port}`,
          `  Protocol:       ${i.protocolVersion}`
        )
        break
      }
      case "ListServices":
        lines.push(`  Service ${JSON.stringify(it.name)}: version ${it.version}, capability ${hex(it.capability, 4)}`)
        break
      default:
        lines.push(`  Item ${it._tag}`)
    }
  }
  return lines
}

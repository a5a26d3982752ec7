// @ts-check
/**
 * The Node floor for libplctag's load: a raw node:net server that speaks just enough EtherNet/IP
 * for libplctag's plctag_bench (RegisterSession, Large/Forward Open and Forward Close by SendRRData,
 * then Read/Write Tag, Read Tag Fragmented and Multiple Service Packet by SendUnitData) and answers
 * each request with a canned reply of the right shape: zeros of the requested type and count, no
 * tag store, no validation beyond what finding the reply needs. What it costs per operation is what
 * Node itself costs under that load, before any simulator work: `npm run bench -- lockstep` runs it
 * beside ab_server and the simulator so that the ratios can be read against it.
 *
 * With `--handle` it reads through node's `onread` into one reused buffer and writes each reply
 * straight to the libuv handle with a WriteWrap from `process.binding("stream_wrap")` (internal and
 * deprecated: no stream machinery at all), the lowest cost node:net can reach from JavaScript
 * (`npm run bench -- floors` runs both beside ab_server).
 *
 *   node scripts/bench/_plctagFloor.mjs [--handle]     # prints 127.0.0.1:PORT, serves until killed
 */
import * as net from "node:net"

const DINT = 0xc4
const INT = 0xc3

/** Canned CIP replies for Read Tag (Fragmented), by service, type and count. */
const readReplies = new Map()
const readReply = (/** @type {number} */ service, /** @type {number} */ type, /** @type {number} */ count) => {
  const key = (service << 24) | (type << 16) | count
  let r = readReplies.get(key)
  if (r === undefined) {
    r = Buffer.alloc(6 + count * (type === DINT ? 4 : 2))
    r[0] = service | 0x80
    r[4] = type
    readReplies.set(key, r)
  }
  return r
}

/** The CIP reply to one request (connected or inside a Multiple Service Packet). */
const answer = (/** @type {Buffer} */ req) => {
  const service = req[0]
  const after = 2 + 2 * req[1]
  if (service === 0x4c || service === 0x52) {
    // The symbol's first letter tells the bench's two tags apart: DINTS (DINT), SCADA (INT).
    const type = req[2] === 0x91 && req[4] === 0x44 ? DINT : INT
    return readReply(service, type, req.readUInt16LE(after))
  }
  if (service === 0x0a) {
    const count = req.readUInt16LE(after)
    const parts = []
    let offset = 2 + 2 * count
    const head = Buffer.alloc(4 + 2 + 2 * count)
    head[0] = 0x8a
    head.writeUInt16LE(count, 4)
    for (let i = 0; i < count; i++) {
      const start = after + req.readUInt16LE(after + 2 + 2 * i)
      const end = i + 1 < count ? after + req.readUInt16LE(after + 4 + 2 * i) : req.length
      const part = answer(req.subarray(start, end))
      head.writeUInt16LE(offset, 6 + 2 * i)
      offset += part.length
      parts.push(part)
    }
    return Buffer.concat([head, ...parts])
  }
  if (service === 0x4d || service === 0x53) return Buffer.from([service | 0x80, 0, 0, 0])
  return Buffer.from([service | 0x80, 0, 0x08, 0]) // service not supported
}

/** The Forward Open (0x54/0x5B) or Forward Close (0x4E) reply; the client's T→O id for `state`. */
const connection = (/** @type {Buffer} */ req, /** @type {{ toId: number }} */ state) => {
  const service = req[0]
  const p = 2 + 2 * req[1]
  if (service === 0x4e) {
    const r = Buffer.alloc(14)
    r[0] = 0xce
    req.copy(r, 4, p + 2, p + 10) // serial, vendor, originator serial
    return r
  }
  if (service !== 0x54 && service !== 0x5b) return Buffer.from([service | 0x80, 0, 0x08, 0])
  const large = service === 0x5b
  state.toId = req.readUInt32LE(p + 6)
  const r = Buffer.alloc(30)
  r[0] = service | 0x80
  r.writeUInt32LE(0x10203040, 4) // O→T connection id, ours
  r.writeUInt32LE(state.toId, 8)
  req.copy(r, 12, p + 10, p + 18) // serial, vendor, originator serial
  req.copy(r, 20, p + 22, p + 26) // O→T RPI as the actual packet interval
  const toRpi = p + 26 + (large ? 4 : 2)
  req.copy(r, 24, toRpi, toRpi + 4)
  return r
}

const frame = (/** @type {Buffer} */ request, /** @type {Buffer} */ body) => {
  const f = Buffer.allocUnsafe(24 + body.length)
  request.copy(f, 0, 0, 24) // command, session, sender context, options
  f.writeUInt16LE(body.length, 2)
  f.writeUInt32LE(0, 8) // status
  body.copy(f, 24)
  return f
}

const handleMode = process.argv.includes("--handle")
const shared = Buffer.allocUnsafe(65_536)

/** The socket to serve and how to write to it: node's streams, or onread and the bare handle. */
const adopt = (/** @type {net.Socket} */ accepted, /** @type {(chunk: Buffer) => void} */ onChunk) => {
  if (!handleMode) {
    accepted.on("data", onChunk)
    accepted.resume()
    return { socket: accepted, send: (/** @type {Buffer} */ b) => accepted.write(b) }
  }
  process.noDeprecation = true
  const { WriteWrap } = process.binding("stream_wrap")
  const handle = /** @type {any} */ (accepted)._handle
  ;/** @type {any} */ (accepted)._handle = null
  accepted.destroy()
  const socket = new net.Socket(/** @type {any} */ ({
    handle, readable: true, writable: true,
    onread: { buffer: shared, callback: (/** @type {number} */ n) => { const c = Buffer.allocUnsafe(n); shared.copy(c, 0, 0, n); onChunk(c) } }
  }))
  const send = (/** @type {Buffer} */ b) => {
    const req = new WriteWrap()
    req.handle = handle
    req.buffer = b // kept alive until libuv is done with it
    req.oncomplete = (/** @type {number} */ status) => { if (status < 0) socket.destroy() }
    if (handle.writeBuffer(req, b) !== 0) socket.destroy()
  }
  return { socket, send }
}

const server = net.createServer({ noDelay: true, pauseOnConnect: true }, (accepted) => {
  const state = { toId: 0 }
  let buf = Buffer.alloc(0)
  const { socket, send } = adopt(accepted, (chunk) => {
    buf = buf.length > 0 ? Buffer.concat([buf, chunk]) : chunk
    while (buf.length >= 24) {
      const len = 24 + buf.readUInt16LE(2)
      if (buf.length < len) break
      const f = buf.subarray(0, len)
      buf = buf.subarray(len)
      const command = f.readUInt16LE(0)
      if (command === 0x65) {
        const r = Buffer.from(f)
        r.writeUInt32LE(1, 4)
        send(r)
      } else if (command === 0x66) {
        socket.end()
      } else if (command === 0x6f) {
        // interface handle, timeout, CPF: 2 items, the null address then the unconnected data.
        const cip = connection(f.subarray(24 + 16), state)
        const body = Buffer.alloc(16 + cip.length)
        body.writeUInt16LE(2, 6)
        body.writeUInt16LE(0xb2, 12)
        body.writeUInt16LE(cip.length, 14)
        cip.copy(body, 16)
        send(frame(f, body))
      } else if (command === 0x70) {
        // CPF: connected address (the id), connected data (sequence count, then the request).
        const cip = answer(f.subarray(24 + 22))
        const body = Buffer.alloc(22 + cip.length)
        body.writeUInt16LE(2, 6)
        body.writeUInt16LE(0xa1, 8)
        body.writeUInt16LE(4, 10)
        body.writeUInt32LE(state.toId, 12)
        body.writeUInt16LE(0xb1, 16)
        body.writeUInt16LE(2 + cip.length, 18)
        f.copy(body, 20, 24 + 20, 24 + 22) // sequence count
        cip.copy(body, 22)
        send(frame(f, body))
      }
    }
  })
  socket.on("error", () => {})
})
server.listen(0, "127.0.0.1", () => {
  const a = /** @type {net.AddressInfo} */ (server.address())
  console.log(`127.0.0.1:${a.port}`)
})

/**
 * A session reads its socket through node's `onread` (the kernel's bytes land in one reused
 * buffer and a callback gets them) rather than the stream 'data' event, which allocates a Buffer
 * with a backing store of its own per read and runs it through the Readable machinery. In
 * lock-step (one request in flight) that is a fixed cost per request: about 2 µs of a raw
 * node:net server's 15–19 µs on the development VM (`npm run bench -- lockstep` shows the floor).
 *
 * node:net offers `onread` only to a Socket it builds around a handle, so the accepted socket
 * (from a server created with `pauseOnConnect`: not reading yet) hands its handle to a new Socket
 * built with `onread`, as node's own server builds sockets. Each chunk is copied out of the
 * shared buffer (into node's Buffer pool for small chunks) before the session sees it: frames the
 * session keeps (queued under a delay, awaited by a custom Attribute) stay intact. Where the
 * handle is not there to take (another socket implementation), the accepted socket's 'data'
 * events are used instead.
 */
import * as net from "node:net"

/** One buffer for every socket: a read and its callback run together on the one JS thread. */
let shared: Buffer | undefined

/**
 * The socket to serve a connection accepted with `pauseOnConnect`: each chunk read goes to
 * `onChunk` as a Buffer of its own. It does not read until `resume()` is called.
 */
export const adoptSocket = (accepted: net.Socket, onChunk: (chunk: Buffer) => void): net.Socket => {
  const handle = (accepted as unknown as { _handle?: unknown })._handle
  if (handle === undefined || handle === null || accepted.destroyed) {
    accepted.on("data", onChunk)
    accepted.pause()
    return accepted
  }
  const buffer = (shared ??= Buffer.allocUnsafe(65_536))
  // The accepted socket lets go of the handle; destroying it then only settles node's count of
  // the server's connections.
  ;(accepted as unknown as { _handle: unknown })._handle = null
  accepted.destroy()
  const socket = new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: {
      buffer,
      callback: (n: number) => {
        const chunk = Buffer.allocUnsafe(n)
        buffer.copy(chunk, 0, 0, n)
        onChunk(chunk)
      }
    }
  } as net.SocketConstructorOpts)
  socket.pause() // node's constructor started reading: nothing is read before resume()
  return socket
}

/**
 * A socket double for session tests that need to see what node's socket does for a session but a
 * real one hides or makes timing-dependent: whether it is reading (pause/resume), what it holds
 * unsent (writableLength, a peer that does not read), what one write after cork/uncork carries,
 * FIN (end) versus destroy. It keeps node's observable rules: chunks fed while paused wait until
 * resume(); writes while corked or while the peer is not reading stay in writableLength; 'drain'
 * once the peer takes them; destroy() discards unsent bytes and emits 'close' on a later turn.
 * It has no `_handle`, so adoptSocket (readBuffer.ts) reads it through its 'data' events.
 */
import { EventEmitter } from "node:events"
import type * as net from "node:net"

export class FakeSocket extends EventEmitter {
  remoteAddress: string | undefined = "127.0.0.9"
  remotePort: number | undefined = 50_000
  localAddress: string | undefined = "127.0.0.1"
  localPort: number | undefined = 44_818
  destroyed = false
  /** end() was called: FIN once the unsent bytes are out. */
  ended = false
  /** Not reading: chunks fed wait in `inbound`. A socket from pauseOnConnect starts paused. */
  isPaused = true
  /** What the peer has received, one entry per write that reached it together (an uncork is one). */
  readonly flushes: Array<Uint8Array> = []
  /** Writes refused because the socket was ended or destroyed (node would report an error). */
  refusedWrites = 0
  writableLength = 0
  /** False: the peer does not read, so writes stay unsent (writableLength grows). */
  peerReading = true
  private corks = 0
  private unsent: Array<Uint8Array> = []
  private readonly inbound: Array<Uint8Array> = []

  /** The socket as the session takes it. */
  get asSocket(): net.Socket { return this as unknown as net.Socket }

  /** Bytes the peer has received, all of them. */
  get received(): Buffer { return Buffer.concat(this.flushes) }

  /** The peer sends `chunk`: delivered now if the socket is reading, else when it resumes. */
  feed(chunk: Uint8Array): void {
    this.inbound.push(chunk)
    this.deliver()
  }

  /** Chunks the peer sent that the session has not read (it is paused). */
  get waiting(): number { return this.inbound.length }

  /** The peer starts reading: unsent bytes go out and 'drain' is emitted. */
  peerReads(): void {
    this.peerReading = true
    const had = this.writableLength
    this.flush()
    if (had > 0) this.emit("drain")
  }

  write(bytes: Uint8Array): boolean {
    if (this.destroyed || this.ended) { this.refusedWrites++; return false }
    this.unsent.push(bytes)
    this.writableLength += bytes.length
    this.flush()
    return this.writableLength === 0
  }

  cork(): void { this.corks++ }
  uncork(): void {
    if (this.corks > 0) this.corks--
    this.flush()
  }

  end(): this {
    this.ended = true
    this.flush()
    return this
  }

  destroy(): this {
    if (this.destroyed) return this
    this.destroyed = true
    this.unsent = []
    this.writableLength = 0
    setImmediate(() => this.emit("close", false))
    return this
  }

  pause(): this { this.isPaused = true; return this }
  /** As node's: reading restarts on the next tick, not inside the call. */
  resume(): this {
    this.isPaused = false
    process.nextTick(() => this.deliver())
    return this
  }

  private deliver(): void {
    while (!this.isPaused && !this.destroyed && this.inbound.length > 0) this.emit("data", this.inbound.shift()!)
  }

  private flush(): void {
    if (this.corks > 0 || !this.peerReading || this.unsent.length === 0) return
    this.flushes.push(Buffer.concat(this.unsent))
    this.unsent = []
    this.writableLength = 0
  }
}

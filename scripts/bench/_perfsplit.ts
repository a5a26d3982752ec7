/**
 * Where a server's CPU goes, from `perf record -e cpu-clock -g` of it (node with
 * `--perf-basic-prof`) while a load ran: reads `perf script -F pid,tid,ip,sym` on stdin and prints
 * µs per operation by category (the kernel's write, epoll and read paths, our frame handler, node's
 * read path, the session, other threads…), each sample counted once, by the first rule its stack
 * matches. Used for the README's lock-step table (issue 15):
 *
 *   perf record -e cpu-clock -F 10000 -g -p PID -o out.data -- sleep 4   # while bench.sh runs
 *   perf script -i out.data -F pid,tid,ip,sym | npx tsx scripts/bench/_perfsplit.ts OPS [HZ]
 *
 * OPS: tag operations completed while perf recorded; HZ: its sampling rate (10000).
 */
import { createInterface } from "node:readline"

const ops = Number(process.argv[2])
const hz = Number(process.argv[3] ?? 10000)
if (!(ops > 0)) { console.error("usage: _perfsplit.ts OPS [HZ]"); process.exit(2) }

interface Frame { readonly ip: string; readonly sym: string }
const counts = new Map<string, number>()
const any = (syms: ReadonlyArray<string>, re: RegExp) => syms.some((s) => re.test(s))

const classify = (mainThread: boolean, frames: ReadonlyArray<Frame>): string => {
  if (!mainThread) return "threads: V8 compiler, GC, libuv pool"
  const syms = frames.map((f) => f.sym)
  if (frames.length > 0 && frames[0]!.ip.startsWith("ffffffff")) {
    if (any(syms, /sys_(write|writev|sendto|sendmsg)\b|__sys_sendto/)) return "kernel: write/send (TCP loopback, waking the client)"
    if (any(syms, /epoll/)) return "kernel: epoll wait and scheduling"
    if (any(syms, /sys_(read|recvfrom|recvmsg)\b|__sys_recvfrom/)) return "kernel: read/recv (and blocking in it)"
    return "kernel: other (interrupts, faults, timers)"
  }
  if (any(syms, /Scavenge|MarkCompact|Heap::|GarbageCollect/)) return "user: GC on the main thread"
  if (any(syms, /JS:.*\b(frame|connected|unconnected|run|replyFrame|decodeRequest\w*|handle|dispatch|multiple|readTag\w*|writeReply)\b/)) return "user: frame handler (decode, controller, encode)"
  if (any(syms, /JS:.*\b(onData|answerAll|send|apply|push|callback)\b/) || any(syms, /writeBuffer|WriteWrap|uv_write|uv__write|StreamBase::Write/)) return "user: session (framing, write through the stream)"
  if (any(syms, /uv__read|OnStreamRead|onStreamRead|CallJSOnread/)) return "user: node read path (libuv → JS)"
  if (any(syms, /uv__io_poll|uv_run|epoll/)) return "user: event loop (libuv, timers)"
  return "user: other"
}

let pid: string | undefined
let tid: string | undefined
let frames: Array<Frame> = []
const flush = () => {
  if (tid !== undefined) { const c = classify(tid === pid, frames); counts.set(c, (counts.get(c) ?? 0) + 1) }
  frames = []
  tid = undefined
}
const lines = createInterface({ input: process.stdin })
lines.on("line", (line) => {
  const head = /^\s*(\d+)\/(\d+)\s*$/.exec(line)
  if (head) { flush(); pid = head[1]; tid = head[2]; return }
  const frame = /^\s*([0-9a-f]+)\s+(.*)$/.exec(line)
  if (frame && tid !== undefined) frames.push({ ip: frame[1]!, sym: frame[2]! })
  else if (line.trim() === "") flush()
})
lines.on("close", () => {
  flush()
  const us = (n: number) => ((1e6 * n) / hz / ops).toFixed(2).padStart(7)
  let total = 0
  for (const [label, n] of [...counts].sort((a, b) => b[1] - a[1])) {
    total += n
    console.log(`${label.padEnd(56)} ${us(n)} µs/op`)
  }
  console.log(`${"total (perf's own overhead included)".padEnd(56)} ${us(total)} µs/op  (${total} samples)`)
})

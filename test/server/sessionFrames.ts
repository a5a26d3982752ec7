/**
 * Frames for the session tests (session.test.ts over TCP, sessionFlow/sessionTimers over a socket
 * double): a 25-byte encapsulation frame (NOP, length 1) whose one data byte tells the test
 * handler what to do, numbered in its sender context so replies can be told apart.
 */

/** A 25-byte frame: an encapsulation header (NOP, length 1) and one data byte, `op`, then `n` in the context. */
export const frame = (op: number, n = 0): Uint8Array => {
  const b = Buffer.alloc(25)
  b.writeUInt16LE(0x0000, 0)
  b.writeUInt16LE(1, 2)
  b.writeUInt32LE(n, 12)
  b[24] = op
  return b
}
/** The number `frame` put in the context. */
export const nOf = (f: Uint8Array): number => Buffer.from(f).readUInt32LE(12)
/** The op byte. */
export const opOf = (f: Uint8Array): number | undefined => f[24]

/** The numbers of the 25-byte frames in `bytes`, in order. */
export const nsOf = (bytes: Uint8Array): Array<number> => {
  const out: Array<number> = []
  for (let i = 0; i + 25 <= bytes.length; i += 25) out.push(nOf(bytes.subarray(i, i + 25)))
  return out
}

/** A frame header claiming `length` bytes: longer than the tests' 100-byte frame limit, it is refused. */
export const tooLong = (length = 500): Uint8Array => {
  const b = Buffer.alloc(24)
  b.writeUInt16LE(length, 2)
  return b
}

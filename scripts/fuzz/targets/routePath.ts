/**
 * Target `route-path`: a `--route-path` argument (`1/0`, `1/0/2/10.0.0.1`, JSON segments) parsed,
 * printed and encoded as an EPATH. Contract: a CodecError or a path, never a throw; the path's
 * wire encoding decodes to the same path (decode(encode(x)) = x).
 */
import { decodePathWithSize, encodePathWithSize, formatEPath, parseRoutePath } from "../../../src/cip/epath.js"
import { codec, roundTrip } from "./contract.js"

export const fuzz = (data: Buffer): void => {
  const path = codec("parseRoutePath", parseRoutePath(data.toString("utf8")))
  if (path === undefined) return
  formatEPath(path)
  const bytes = encodePathWithSize(path)
  const again = codec("decodePathWithSize(encodePathWithSize(x))", decodePathWithSize(bytes, 0))
  if (again !== undefined) roundTrip("route path", path, again.path)
}

/**
 * Status codes as people read them in errors and `-p` lines: the CIP general status names
 * (CIP Vol 1, Appendix B), the Logix extended status names, the encapsulation status names.
 */
import { describe, expect, it } from "@effect/vitest"
import { describeStatus, EncapStatus, encapStatusName, ExtendedStatus, extendedStatusName, Status, statusName } from "../../src/cip/status.js"

describe("CIP general status names", () => {
  it("every code 0x00..0x2B and 0xFF has its Appendix B name", () => {
    const names = [
      "success", "connection failure", "resource unavailable", "invalid parameter value", "path segment error",
      "path destination unknown", "partial transfer", "connection lost", "service not supported", "invalid attribute value",
      "attribute list error", "already in requested mode/state", "object state conflict", "object already exists",
      "attribute not settable", "privilege violation", "device state conflict", "reply data too large",
      "fragmentation of a primitive value", "not enough data", "attribute not supported", "too much data",
      "object does not exist", "service fragmentation sequence not in progress", "no stored attribute data",
      "store operation failure", "routing failure, request packet too large", "routing failure, response packet too large",
      "missing attribute list entry data", "invalid attribute value list", "embedded service error", "vendor specific error",
      "invalid parameter", "write-once value or medium already written", "invalid reply received", "buffer overflow",
      "message format error", "key failure in path", "path size invalid", "unexpected attribute in list", "invalid member ID",
      "member not settable", "group 2 only server general failure", "unknown Modbus error"
    ]
    expect(names.map((_, code) => statusName(code))).toEqual(names)
    expect(statusName(0xff)).toBe("general error")
  })

  it("an unknown code is named by its hex value", () => {
    expect(statusName(0x9a)).toBe("status 0x9a")
    expect(statusName(0x2c)).toBe("status 0x2c")
    expect(statusName(0x3)).toBe("invalid parameter value")
    expect(statusName(0xfe)).toBe("status 0xfe")
  })

  it("the constants the server answers with are the codes of those names", () => {
    expect(statusName(Status.PathDestinationUnknown)).toBe("path destination unknown")
    expect(statusName(Status.InvalidAttributeValue)).toBe("invalid attribute value")
    expect(statusName(Status.GeneralError)).toBe("general error")
    expect(statusName(Status.InvalidAttributeValueList)).toBe("invalid attribute value list")
  })
})

describe("Logix extended status names", () => {
  it.each([
    [0x2101, "keyswitch position does not allow"], [0x2104, "offset or number of elements invalid"],
    [0x2105, "index or offset out of range"], [0x2107, "data type mismatch"],
    [0x0100, "connection in use or duplicate forward open"], [0x0103, "transport class and trigger combination not supported"],
    [0x0106, "ownership conflict"], [0x0107, "target connection not found"], [0x0108, "invalid network connection parameter"],
    [0x0109, "invalid connection size"], [0x0111, "requested RPI not supported"], [0x0113, "out of connections"],
    [0x0114, "vendor ID or product code mismatch"], [0x0115, "device type mismatch"], [0x0116, "revision mismatch"],
    [0x0204, "unconnected request timed out"], [0x0311, "port not available"], [0x0312, "link address not valid"],
    [0x0315, "invalid segment in connection path"]
  ])("0x%s is %s", (code, name) => expect(extendedStatusName(code)).toBe(name))

  it("unknown extended codes have no name", () => {
    expect(extendedStatusName(0x2106)).toBeUndefined()
    expect(extendedStatusName(0)).toBeUndefined()
  })

  it("the constants are the codes of those names", () => {
    expect(extendedStatusName(ExtendedStatus.OutOfRange)).toBe("index or offset out of range")
    expect(extendedStatusName(ExtendedStatus.TypeMismatch)).toBe("data type mismatch")
    expect(extendedStatusName(ExtendedStatus.LengthMismatch)).toBe("offset or number of elements invalid")
    expect(extendedStatusName(ExtendedStatus.DeviceTypeMismatch)).toBe("device type mismatch")
  })
})

describe("describeStatus", () => {
  it("general status alone, or with extended words in hex and the first one's name", () => {
    expect(describeStatus(8)).toBe("Status 8 (service not supported)")
    expect(describeStatus(8, [])).toBe("Status 8 (service not supported)")
    expect(describeStatus(0xff, [0x2105])).toBe("Status 255 [0x2105] (general error: index or offset out of range)")
    expect(describeStatus(1, [0x0100, 0x12])).toBe("Status 1 [0x0100, 0x0012] (connection failure: connection in use or duplicate forward open)")
    expect(describeStatus(0xff, [0x9999])).toBe("Status 255 [0x9999] (general error)")
    expect(describeStatus(0x77)).toBe("Status 119 (status 0x77)")
  })
})

describe("encapsulation status names", () => {
  it("each code the header carries", () => {
    expect(encapStatusName(EncapStatus.Success)).toBe("success")
    expect(encapStatusName(EncapStatus.InvalidCommand)).toBe("invalid or unsupported encapsulation command")
    expect(encapStatusName(EncapStatus.InsufficientMemory)).toBe("insufficient memory")
    expect(encapStatusName(EncapStatus.IncorrectData)).toBe("incorrect data")
    expect(encapStatusName(EncapStatus.InvalidSessionHandle)).toBe("invalid session handle")
    expect(encapStatusName(EncapStatus.InvalidLength)).toBe("invalid length")
    expect(encapStatusName(EncapStatus.UnsupportedProtocolRevision)).toBe("unsupported encapsulation protocol revision")
    expect([EncapStatus.InvalidSessionHandle, EncapStatus.InvalidLength, EncapStatus.UnsupportedProtocolRevision]).toEqual([0x64, 0x65, 0x69])
    expect(encapStatusName(0x66)).toBe("encapsulation status 0x0066")
  })
})

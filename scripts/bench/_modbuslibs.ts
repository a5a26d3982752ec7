/**
 * The npm Modbus libraries' own TCP servers, for the library comparison in scripts/bench/modbus.ts:
 *   _modbuslibs.ts jsmodbus|modbus-serial   prints "127.0.0.1:PORT" once listening.
 * Both serve holding registers 0..124 (= 1), coils 0..15, and nothing else they can refuse.
 */
import { createRequire } from "node:module"
import * as net from "node:net"

const require = createRequire(import.meta.url)
const which = process.argv[2]

if (which === "jsmodbus") {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const Modbus: any = require("jsmodbus")
  const server = new net.Server()
  const holding = Buffer.alloc(250)
  for (let i = 0; i < 125; i++) holding.writeUInt16BE(1, 2 * i)
  new Modbus.server.TCP(server, { holding, coils: Buffer.alloc(2), discrete: Buffer.alloc(2), input: Buffer.alloc(250) })
  server.listen(0, "127.0.0.1", () => console.log(`127.0.0.1:${(server.address() as net.AddressInfo).port}`))
} else if (which === "modbus-serial") {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const ModbusRTU: any = require("modbus-serial")
  const vector = {
    getHoldingRegister: (addr: number) => { if (addr > 124) throw { modbusErrorCode: 2, msg: "illegal address" }; return 1 },
    getInputRegister: (addr: number) => { if (addr > 124) throw { modbusErrorCode: 2, msg: "illegal address" }; return 0 },
    getCoil: (addr: number) => { if (addr > 15) throw { modbusErrorCode: 2, msg: "illegal address" }; return false },
    getDiscreteInput: (addr: number) => { if (addr > 15) throw { modbusErrorCode: 2, msg: "illegal address" }; return false },
    setRegister: (addr: number) => { if (addr > 124) throw { modbusErrorCode: 2, msg: "illegal address" } },
    setCoil: (addr: number) => { if (addr > 15) throw { modbusErrorCode: 2, msg: "illegal address" } }
  }
  const probe = net.createServer().listen(0, "127.0.0.1", () => {
    const port = (probe.address() as net.AddressInfo).port
    probe.close(() => {
      const server = new ModbusRTU.ServerTCP(vector, { host: "127.0.0.1", port, unitID: 255 })
      server.on("socketError", () => {})
      server.on("initialized", () => console.log(`127.0.0.1:${port}`))
    })
  })
} else {
  console.error("usage: _modbuslibs.ts jsmodbus|modbus-serial")
  process.exit(2)
}

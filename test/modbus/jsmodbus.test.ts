/**
 * An npm Modbus client nobody here wrote (jsmodbus 5.0.0) against `cpppo modbus server`: every
 * table read and written, exceptions received as such, 6-digit addresses.
 */
import { describe, expect, it } from "@effect/vitest"
import { createRequire } from "node:module"
import * as net from "node:net"
import { withDevice } from "./helpers.js"

const require = createRequire(import.meta.url)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const Modbus: any = require("jsmodbus")

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const withClient = <A>(port: number, unit: number, f: (c: any) => Promise<A>): Promise<A> =>
  new Promise((resolve, reject) => {
    const socket = new net.Socket()
    const client = new Modbus.client.TCP(socket, unit, 3000)
    socket.on("connect", () => { f(client).then(resolve, reject).finally(() => socket.end()) })
    socket.on("error", reject)
    socket.connect({ host: "127.0.0.1", port })
  })

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const exceptionOf = (p: Promise<unknown>) => p.then(() => "no exception", (e: any) => e?.response?.body?.code ?? e?.err ?? String(e))

describe("jsmodbus client against cpppo modbus server", () => {
  it("reads and writes every table", async () => {
    await withDevice({ registers: ["40001-40010=7", "400200=9", "1-16=1", "30001-30004=3,4", "10001-10008=0"] }, (d) =>
      withClient(d.address.port, 1, async (c) => {
        expect((await c.readHoldingRegisters(0, 10)).response.body.values).toEqual(Array(10).fill(7))
        expect((await c.readHoldingRegisters(199, 1)).response.body.values).toEqual([9])
        expect((await c.readInputRegisters(0, 4)).response.body.values).toEqual([3, 4, 3, 4])
        expect((await c.readCoils(0, 16)).response.body.valuesAsArray.slice(0, 16)).toEqual(Array(16).fill(1))
        expect((await c.readDiscreteInputs(0, 8)).response.body.valuesAsArray.slice(0, 8)).toEqual(Array(8).fill(0))
        await c.writeSingleRegister(2, 1234)
        await c.writeMultipleRegisters(4, [1, 2, 3])
        await c.writeSingleCoil(0, false)
        await c.writeMultipleCoils(8, [false, false, true, false])
        expect((await c.readHoldingRegisters(0, 8)).response.body.values).toEqual([7, 7, 1234, 7, 1, 2, 3, 7])
        expect((await c.readCoils(0, 12)).response.body.valuesAsArray.slice(0, 12)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0])
        expect(await exceptionOf(c.readHoldingRegisters(10, 1))).toBe(2)
        expect(await exceptionOf(c.writeSingleRegister(50, 1))).toBe(2)
      }))
  })
})

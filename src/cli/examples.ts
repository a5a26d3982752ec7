/**
 * One example command line per command, shown at the end of its `--help` (help.ts). Kept in one
 * table so the examples are easy to review together; test/cli/help.test.ts checks that every
 * command has one and that each passes the argv check and @effect/cli's parse.
 */
/** Command path (as typed) → an example invocation. */
export const EXAMPLES = {
  "cpppo": "cpppo enip server -w 127.0.0.1:8080 'SCADA=INT[1000]'",
  "cpppo enip": "cpppo enip client -a 127.0.0.1 'SCADA[0-9]'",
  "cpppo enip server": "cpppo enip server -a 127.0.0.1:44818 -w 127.0.0.1:8080 -p 'SCADA=INT[1000]' 'TEXT=STRING' 'Speed=REAL'",
  "cpppo enip fleet": "cpppo enip fleet --count 50 --address 127.0.1.1 -A -w 127.0.0.1:8080 'SCADA=INT[1000]' 'Speed=REAL'",
  "cpppo enip client": "cpppo enip client -a 127.0.0.1 -p 'SCADA[0-3]=1,2,3,4' 'SCADA[0-9]'",
  "cpppo enip historize": "cpppo enip historize scada.hst -a 127.0.0.1:44818 'SCADA=INT[1000]'",
  "cpppo enip get-attribute": "cpppo enip get-attribute -a 127.0.0.1 '@1/1' '@0xF5/1/5'",
  "cpppo modbus": "cpppo modbus server -a 127.0.0.1:5020 40001-40100=99 1-64=0",
  "cpppo modbus server": "cpppo modbus server -a 127.0.0.1:5020 -u 1 40001-40100=99 1-64=0 30001-30010=7 10001-10016=1",
  "cpppo modbus poll": "cpppo modbus poll -a 127.0.0.1:5020 -R 0.5 40001-40010 1-16 40005=42",
  "cpppo history": "cpppo history cat --tz America/Edmonton scada.hst",
  "cpppo history cat": "cpppo history cat --since '2014-07-16 04:00:00 MDT' --tz America/Edmonton scada.hst",
  "cpppo history play": "cpppo history play --speed 10 --duration 1h --tz America/Edmonton scada.hst",
  "cpppo history stats": "cpppo history stats --tz America/Edmonton scada.hst",
  "cpppo history plot": "cpppo history plot --tags 'SCADA[0-3]' --since '2014-11-02 00:00 MDT' --tz America/Edmonton -o trend.svg scada.hst"
} as const

/** A command named in {@link EXAMPLES}. */
export type CommandPath = keyof typeof EXAMPLES

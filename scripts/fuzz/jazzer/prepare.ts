/**
 * Makes @jazzer.js/core 4.0.0 load on an older glibc (Debian 12: glibc 2.36, libstdc++ 12).
 *
 * Its prebuilt addon (node_modules/@jazzer.js/fuzzer/prebuilds/fuzzer-linux-x64.node) needs
 * GLIBC_2.38 only for `__isoc23_strtol`/`__isoc23_strtoul` and GLIBCXX_3.4.32 only for
 * `std::ios_base_library_init()`. When the addon does not load as shipped, this:
 *   1. keeps the shipped addon as `….node.orig`,
 *   2. builds glibc-shim.cc (those three functions) beside it with g++,
 *   3. on a copy of the original: drops the version of those three symbols (patchelf), renames the
 *      version needs GLIBC_2.38 → GLIBC_2.34 and GLIBCXX_3.4.32 → GLIBCXX_3.4.30 (with their ELF
 *      hashes, below) so the loader stops asking for them, and adds the shim as a needed library
 *      found through `$ORIGIN`,
 *   4. checks that the result loads, then puts it in place.
 * Idempotent: an addon that already loads is left alone. Needs patchelf and g++ (`.ci/run`
 * installs patchelf).
 */
import { execFileSync, spawnSync } from "node:child_process"
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const SHIM = "libcpppo-glibc-shim.so"
const CLEARED = ["__isoc23_strtol", "__isoc23_strtoul", "_ZSt21ios_base_library_initv"]
export const RENAMES: Record<string, string> = { "GLIBC_2.38": "GLIBC_2.34", "GLIBCXX_3.4.32": "GLIBCXX_3.4.30" }

/** The addon file the fuzzer package loads on this platform. */
export const addonPath = (): string => {
  const req = createRequire(import.meta.url)
  const pkg = dirname(req.resolve("@jazzer.js/fuzzer/package.json"))
  return join(pkg, "prebuilds", `fuzzer-${process.platform}-${process.arch}.node`)
}

/** Does `file` load as a Node addon? Checked in a child: a failed dlopen can leave state behind. */
const loads = (file: string): { ok: boolean; error: string } => {
  const r = spawnSync(process.execPath, ["-e", `process.dlopen({ exports: {} }, ${JSON.stringify(file)})`], { encoding: "utf8" })
  return { ok: r.status === 0, error: (r.stderr ?? "").split("\n").find((l) => l.includes("Error")) ?? r.stderr }
}

/** SysV ELF hash of a symbol-version name (vna_hash must match the renamed string). */
export const elfHash = (name: string): number => {
  let h = 0
  for (const c of Buffer.from(name)) {
    h = ((h << 4) + c) >>> 0
    const g = h & 0xf0000000
    if (g !== 0) h ^= g >>> 24
    h = (h & ~g) >>> 0
  }
  return h
}

/** One version need (`vna_*` entry) of an ELF file: its name, where the name is, its hash. */
export interface VersionNeed {
  readonly name: string
  readonly nameAt: number
  readonly auxAt: number
  readonly hash: number
}

/** The version needs of a 64-bit little-endian ELF (its SHT_GNU_verneed section). */
export const versionNeeds = (elf: Buffer): Array<VersionNeed> => {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error("not a 64-bit little-endian ELF")
  const shoff = Number(elf.readBigUInt64LE(0x28))
  const shentsize = elf.readUInt16LE(0x3a)
  const shnum = elf.readUInt16LE(0x3c)
  const section = (i: number) => {
    const at = shoff + i * shentsize
    return { type: elf.readUInt32LE(at + 4), offset: Number(elf.readBigUInt64LE(at + 0x18)), link: elf.readUInt32LE(at + 0x28) }
  }
  const out: Array<VersionNeed> = []
  for (let i = 0; i < shnum; i++) {
    const s = section(i)
    if (s.type !== 0x6ffffffe) continue // SHT_GNU_verneed
    const strtab = section(s.link).offset
    let need = s.offset
    for (;;) {
      const count = elf.readUInt16LE(need + 2)
      let aux = need + elf.readUInt32LE(need + 8)
      for (let k = 0; k < count; k++) {
        const nameAt = strtab + elf.readUInt32LE(aux + 8)
        out.push({ name: elf.toString("latin1", nameAt, elf.indexOf(0, nameAt)), nameAt, auxAt: aux, hash: elf.readUInt32LE(aux) })
        const next = elf.readUInt32LE(aux + 12)
        if (next === 0) break
        aux += next
      }
      const next = elf.readUInt32LE(need + 12)
      if (next === 0) break
      need += next
    }
  }
  return out
}

/**
 * Rename version needs in place (name and its ELF hash). The new names are no longer than the
 * old ones, so they overwrite the string table entry.
 */
export const renameVersionNeeds = (elf: Buffer, renames: Record<string, string>): Array<string> => {
  const done: Array<string> = []
  for (const v of versionNeeds(elf)) {
    const to = renames[v.name]
    if (to === undefined || to.length > v.name.length) continue
    elf.write(`${to}\0`, v.nameAt, "latin1")
    elf.writeUInt32LE(elfHash(to), v.auxAt)
    done.push(`${v.name} → ${to}`)
  }
  return done
}

/** Make the addon loadable; returns what was done. Throws with the reason when it cannot. */
export const prepareJazzer = (log: (line: string) => void = () => {}): void => {
  const addon = addonPath()
  const first = loads(addon)
  if (first.ok) return
  const dir = dirname(addon)
  const orig = `${addon}.orig`
  if (!existsSync(orig)) copyFileSync(addon, orig)
  log(`jazzer: the prebuilt addon does not load (${first.error.trim()}); patching a copy for this glibc`)
  const here = dirname(fileURLToPath(import.meta.url))
  execFileSync("g++", ["-shared", "-fPIC", "-O2", "-o", join(dir, SHIM), join(here, "glibc-shim.cc")], { stdio: "inherit" })
  const work = `${addon}.patching`
  copyFileSync(orig, work)
  execFileSync("patchelf", CLEARED.flatMap((s) => ["--clear-symbol-version", s]).concat(work), { stdio: "inherit" })
  const elf = readFileSync(work)
  log(`jazzer: version needs renamed: ${renameVersionNeeds(elf, RENAMES).join(", ") || "none"}`)
  writeFileSync(work, elf)
  // Two calls: patchelf 0.14 given both options at once points RUNPATH at the wrong string.
  execFileSync("patchelf", ["--add-needed", SHIM, work], { stdio: "inherit" })
  execFileSync("patchelf", ["--set-rpath", "$ORIGIN", work], { stdio: "inherit" })
  const patched = loads(work)
  if (!patched.ok) throw new Error(`the patched Jazzer addon still does not load: ${patched.error}`)
  renameSync(work, addon)
  log("jazzer: patched addon in place")
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  prepareJazzer((l) => console.log(l))
  console.log(`jazzer: ${addonPath()} loads`)
}

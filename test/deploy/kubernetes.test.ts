/**
 * Every manifest under deploy/kubernetes is checked as Kubernetes would take it:
 * - against the API's schemas (kubernetes-models: types, enums, required fields, formats);
 * - for unknown fields (a typo such as `replicsa` is silently dropped by some kubectl versions):
 *   each manifest is type-checked as an object literal of its kubernetes-types type;
 * - for what the fleet needs: the shard count equals the replicas, the Service is headless and
 *   selects the pods, the probes hit /healthz, /metrics is annotated for scraping, the fleet file
 *   in the ConfigMap parses, and its shards cover every controller exactly once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { join, relative } from "node:path"
import ts from "typescript"
import { parseAllDocuments } from "yaml"
import { ConfigMap } from "kubernetes-models/v1/ConfigMap"
import { Service } from "kubernetes-models/v1/Service"
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet"
import { parseFleetConfig } from "../../src/server/fleetConfig.js"
import { parseShard, shardOf } from "../../src/server/shard.js"

const root = join(import.meta.dirname, "..", "..")
const dir = join(root, "deploy", "kubernetes")

const yamlFiles = (d: string): Array<string> =>
  readdirSync(d).flatMap((f) => {
    const p = join(d, f)
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(f) ? [p] : []
  })

interface Manifest { readonly file: string; readonly doc: Record<string, any> }
const manifests: ReadonlyArray<Manifest> = yamlFiles(dir).flatMap((file) =>
  parseAllDocuments(readFileSync(file, "utf8")).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]!.message}`)
    return { file: relative(root, file), doc: d.toJS() as Record<string, any> }
  }))

/** kind → the kubernetes-models class (schema validation) and the kubernetes-types type name. */
const MODELS: Record<string, { readonly model: new (data: any) => { validate: () => void }; readonly type: string; readonly module: string }> = {
  "v1/ConfigMap": { model: ConfigMap, type: "ConfigMap", module: "kubernetes-types/core/v1" },
  "v1/Service": { model: Service, type: "Service", module: "kubernetes-types/core/v1" },
  "apps/v1/StatefulSet": { model: StatefulSet, type: "StatefulSet", module: "kubernetes-types/apps/v1" }
}
/** Custom resources with no published schema here: their own checks below. */
const CUSTOM = new Set(["k8s.cni.cncf.io/v1/NetworkAttachmentDefinition"])

const kindOf = (m: Manifest) => `${m.doc["apiVersion"]}/${m.doc["kind"]}`
const byKind = (kind: string) => manifests.filter((m) => m.doc["kind"] === kind)

/** Type-check a program in memory (files under the repo, so node_modules resolves). */
const typeErrors = (source: string): Array<string> => {
  const file = join(dir, "__manifests_check__.ts")
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], skipLibCheck: true
  }
  const host = ts.createCompilerHost(options)
  const getSourceFile = host.getSourceFile.bind(host)
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest))
  const fileExists = host.fileExists.bind(host)
  host.fileExists = (name) => name === file || fileExists(name)
  const program = ts.createProgram([file], options, host)
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined
    return `${where ? `line ${where.line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, " ")}`
  })
}

describe("deploy/kubernetes manifests", () => {
  it("finds the manifests", () => {
    expect(byKind("StatefulSet").length).toBeGreaterThanOrEqual(2)
    expect(byKind("Service").length).toBeGreaterThanOrEqual(2)
    expect(byKind("ConfigMap").length).toBeGreaterThanOrEqual(2)
  })

  it("every manifest validates against the Kubernetes API schema", () => {
    for (const m of manifests) {
      const k = kindOf(m)
      if (CUSTOM.has(k)) continue
      const entry = MODELS[k]
      expect(entry, `${m.file}: no schema for ${k}`).toBeDefined()
      expect(() => new entry!.model(m.doc).validate(), `${m.file} (${k} ${m.doc["metadata"]?.name})`).not.toThrow()
    }
  })

  it("schema validation catches a mistake (the check can fail)", () => {
    const sts = structuredClone(byKind("StatefulSet")[0]!.doc)
    sts["spec"].template.spec.containers[0].ports[0].containerPort = "web"
    expect(() => new StatefulSet(sts).validate()).toThrow(/containerPort must be integer/)
  })

  it("no manifest has a field Kubernetes does not know", () => {
    // One program: every manifest, plus a copy with a misspelt field that must be the only error.
    const typo = structuredClone(byKind("StatefulSet")[0]!)
    typo.doc["spec"] = { ...typo.doc["spec"], replicsa: 4 }
    const docs = [...manifests.filter((m) => MODELS[kindOf(m)] !== undefined), typo]
    const lines = [
      ...new Set(docs.map((m) => `import type { ${MODELS[kindOf(m)]!.type} } from "${MODELS[kindOf(m)]!.module}"`)),
      ...docs.map((m, i) => `export const m${i}: ${MODELS[kindOf(m)]!.type} = ${JSON.stringify(m.doc)}`)
    ]
    const errors = typeErrors(lines.join("\n"))
    expect(errors.length).toBe(1)
    expect(errors[0]).toMatch(new RegExp(`^line ${lines.length}: .*replicsa`))
  }, 60_000)

  it("the Multus attachment is a macvlan CNI config", () => {
    for (const m of manifests.filter((x) => CUSTOM.has(kindOf(x)))) {
      const config = JSON.parse(m.doc["spec"].config as string) as Record<string, unknown>
      expect(config).toMatchObject({ type: "macvlan", mode: "bridge" })
      expect(typeof config["master"]).toBe("string")
    }
  })

  for (const sts of byKind("StatefulSet")) {
    const name = sts.doc["metadata"].name as string
    it(`${name}: shards, service, probes, scraping and fleet file agree`, () => {
      const spec = sts.doc["spec"]
      const pod = spec.template
      const labels = pod.metadata.labels as Record<string, string>
      expect(spec.selector.matchLabels).toEqual(labels)
      // The headless Service it names selects its pods.
      const svc = byKind("Service").find((s) => s.doc["metadata"].name === spec.serviceName)
      expect(svc, `Service ${spec.serviceName}`).toBeDefined()
      expect(svc!.doc["spec"].clusterIP).toBe("None")
      expect(Object.entries(svc!.doc["spec"].selector as Record<string, string>).every(([k, v]) => labels[k] === v)).toBe(true)
      // Scraping.
      expect(pod.metadata.annotations).toMatchObject({ "prometheus.io/scrape": "true", "prometheus.io/path": "/metrics" })
      const container = pod.spec.containers.find((c: any) => c.args?.includes("--shard"))
      expect(container, "a container running the fleet with --shard").toBeDefined()
      const webPort = container.ports.find((p: any) => p.name === "web").containerPort
      expect(pod.metadata.annotations["prometheus.io/port"]).toBe(String(webPort))
      expect(container.args.join(" ")).toContain(`-w 0.0.0.0:${webPort}`)
      for (const probe of [container.readinessProbe, container.livenessProbe]) expect(probe.httpGet).toEqual({ path: "/healthz", port: "web" })
      // The shard count is the number of replicas, in every place a shard is named.
      const shardArgs = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]
        .flatMap((c: any) => [...(c.args ?? []), ...(c.command ?? [])].join(" ").match(/--shard\s+\S+/g) ?? [])
      expect(shardArgs.length).toBeGreaterThan(0)
      for (const s of shardArgs) expect(s).toMatch(new RegExp(`/${spec.replicas}"?$`))
      // The fleet file parses, and the pods' shards cover every controller exactly once.
      const volume = pod.spec.volumes.find((v: any) => v.configMap !== undefined)
      const cm = byKind("ConfigMap").find((c) => c.doc["metadata"].name === volume.configMap.name)
      expect(cm, `ConfigMap ${volume.configMap.name}`).toBeDefined()
      const mount = container.volumeMounts.find((v: any) => v.name === volume.name).mountPath
      const file = container.args[container.args.indexOf("--config") + 1] as string
      expect(file.startsWith(`${mount}/`)).toBe(true)
      const text = cm!.doc["data"][file.slice(mount.length + 1)] as string
      const fleet = parseFleetConfig(text, "yaml")
      if (Either.isLeft(fleet)) throw new Error(fleet.left.message)
      const seen = new Map<string, number>()
      for (let ordinal = 0; ordinal < spec.replicas; ordinal++) {
        const shard = parseShard(`${name}-${ordinal}/${spec.replicas}`)
        if (Either.isLeft(shard)) throw new Error(shard.left)
        const part = shardOf(fleet.right, shard.right)
        expect(part.length).toBeGreaterThan(0)
        for (const c of part) seen.set(c.name, (seen.get(c.name) ?? 0) + 1)
      }
      expect(seen.size).toBe(fleet.right.length)
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
    })
  }
})

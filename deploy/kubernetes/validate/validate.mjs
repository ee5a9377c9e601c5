// Validates a rendered Kustomize output (multi-document YAML, file argument) offline. Every object must be known:
// Kubernetes objects against kubernetes-models' schemas, CloudNativePG and Prometheus Operator objects against the
// @kubernetes-models packages generated from their CRDs, Strimzi objects against schemas/strimzi-v1beta2.json.
// Prints one line per problem and exits 1 if there is any; else prints what it validated and exits 0.
import { readFileSync } from "node:fs";
import yaml from "js-yaml";
import Ajv2020 from "ajv/dist/2020.js";

const CRD_PACKAGES = {
  "postgresql.cnpg.io": "@kubernetes-models/cloudnative-pg",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};
const STRIMZI_GROUP = "kafka.strimzi.io";

const strimziSchema = JSON.parse(readFileSync(new URL("./schemas/strimzi-v1beta2.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addSchema(strimziSchema);

function modelModule(apiVersion) {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  if (group === STRIMZI_GROUP) return null;
  if (CRD_PACKAGES[group]) return `${CRD_PACKAGES[group]}/${apiVersion}`;
  if (group === "" || group.endsWith(".k8s.io") || !group.includes(".")) return `kubernetes-models/${apiVersion}`;
  throw new Error(`no schema for apiVersion ${apiVersion}`);
}

function describe(errors) {
  return errors.map((e) => `${e.instancePath || "/"} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`).join("; ");
}

async function validate(object) {
  const { apiVersion, kind } = object;
  if (apiVersion?.startsWith(`${STRIMZI_GROUP}/`)) {
    const check = ajv.getSchema(`${strimziSchema.$id}#/$defs/${kind}`);
    if (!check) throw new Error(`no Strimzi schema for ${kind}`);
    if (!check(object)) throw new Error(describe(check.errors));
    return;
  }
  const module = await import(modelModule(apiVersion));
  const Model = module[kind];
  if (!Model) throw new Error(`no schema for ${apiVersion} ${kind}`);
  new Model(object).validate();
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs RENDERED.yaml");
  process.exit(2);
}
const objects = yaml.loadAll(readFileSync(file, "utf8")).filter((o) => o);
const problems = [];
const counts = {};
for (const object of objects) {
  const name = `${object.kind}/${object.metadata?.name}`;
  try {
    await validate(object);
    counts[object.kind] = (counts[object.kind] ?? 0) + 1;
  } catch (e) {
    problems.push(`${name}: ${e.message}`);
  }
}
// Strimzi ties node pools, topics and users to their cluster by a label; a wrong one is silently ignored.
const kafkaClusters = new Set(objects.filter((o) => o.kind === "Kafka" && o.apiVersion?.startsWith(STRIMZI_GROUP)).map((o) => o.metadata.name));
for (const o of objects.filter((o) => o.apiVersion?.startsWith(STRIMZI_GROUP) && o.kind !== "Kafka")) {
  const cluster = o.metadata?.labels?.["strimzi.io/cluster"];
  if (!kafkaClusters.has(cluster)) problems.push(`${o.kind}/${o.metadata.name}: label strimzi.io/cluster=${cluster} names no Kafka in this output`);
}
if (problems.length > 0) {
  problems.forEach((p) => console.log(`INVALID ${p}`));
  process.exit(1);
}
console.log(`valid: ${objects.length} objects (${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ")})`);

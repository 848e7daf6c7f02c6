// envoy/envoy.yaml for tests: the very same file, with only its three ports moved (listener, admin,
// the `openai` cluster's endpoint) so a test does not collide with a running `make run` or another
// test. Used by the gateway test and the Envoy driver alike.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../host/testing/index.ts";

export const ENVOY_YAML = join(PROJECT_ROOT, "envoy", "envoy.yaml");

/** The plugins the full chain loads, in order. */
export const CHAIN = ["key-auth", "request-block", "key-rate-limit", "ai-proxy"];

export interface Ports { listener: number; admin: number; provider: number }

export function envoyYamlWithPorts(ports: Ports): string {
  const doc = parse(readFileSync(ENVOY_YAML, "utf8"));
  doc.admin.address.socket_address.port_value = ports.admin;
  const listeners = doc.static_resources.listeners;
  if (listeners.length !== 1) throw new Error("envoy/envoy.yaml was expected to have one listener");
  listeners[0].address.socket_address.port_value = ports.listener;
  const openai = doc.static_resources.clusters.find((c: { name: string }) => c.name === "openai");
  openai.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.port_value = ports.provider;
  return stringify(doc);
}

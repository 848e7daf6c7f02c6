// Whether the response at hand is one Envoy generated itself rather than the provider's. Envoy's router
// sets the response code details to `via_upstream` before it hands an upstream response to the filters;
// its own local replies carry their reason instead (request_payload_too_large, upstream_response_timeout,
// upstream_reset_before_response_started{…}, no_healthy_upstream, …), readable as `response.code_details`.
import { getProperty } from "../common/host";

const CODE_DETAILS = String.UTF8.encode("response\0code_details");
const VIA_UPSTREAM = "via_upstream";
const DETAILS_PREFIX = "envoy_";

/**
 * The error label of a reply Envoy generated itself, `envoy_<reason>` (the reason without its `{…}`
 * extras, such as a connection error, which would make the label set unbounded); "" when the response
 * came from upstream, or when the host names no details (treated as upstream, as before).
 */
export function envoyReplyLabel(): string {
  const raw = getProperty(CODE_DETAILS);
  if (raw === null || raw.byteLength == 0) return "";
  let details = String.UTF8.decode(raw);
  if (details == VIA_UPSTREAM) return "";
  const brace = details.indexOf("{");
  if (brace >= 0) details = details.substring(0, brace);
  // Metric names carry attributes as `;key=value` segments: the separators may not appear in a value.
  return DETAILS_PREFIX + details.replaceAll(";", "_").replaceAll("=", "_");
}

// Whether the response at hand is one Envoy generated itself rather than the provider's, and what it says
// about the provider. Envoy's router sets the response code details to `via_upstream` before it hands an
// upstream response to the filters; its own local replies, and other filters', carry their reason instead
// (request_payload_too_large, upstream_response_timeout, upstream_reset_before_response_started{…},
// no_healthy_upstream, request-block.blocked_body, …), readable as `response.code_details`.
import { bytesEqual } from "../common/bytes";
import { peekProperty } from "../common/host";

const CODE_DETAILS = String.UTF8.encode("response\0code_details");
const VIA_UPSTREAM = String.UTF8.encode("via_upstream");
const DETAILS_PREFIX = "envoy_";

// The router's replies when an attempt to reach the provider failed: the provider was unreachable, reset
// the stream or was too slow. Everything else a reply can say is about the request (413), Envoy's own
// state and limits (no_healthy_upstream, response_payload_too_large) or another filter's decision.
const RESET_BEFORE_RESPONSE = "upstream_reset_before_response_started";
const PROVIDER_FAILURES = [
  RESET_BEFORE_RESPONSE,
  "upstream_response_timeout",
  "upstream_per_try_timeout",
  "upstream_per_try_idle_timeout",
  "upstream_max_stream_duration_reached",
];
// Reset reasons that are Envoy shedding its own load (circuit breakers, overload manager), not the provider.
const LOCAL_RESET_REASONS = ["overflow", "overload_manager"];

/** A response Envoy or a filter generated; null from `envoyReply()` when it came from upstream. */
export class EnvoyReply {
  constructor(
    /** Envoy's response code details, `{…}` extras included. */
    readonly details: string,
  ) {}

  /**
   * The error label, `envoy_<reason>`: the reason without its `{…}` extras (such as a connection error,
   * which would make the label set unbounded).
   */
  get label(): string {
    // Metric names carry attributes as `;key=value` segments: the separators may not appear in a value.
    return DETAILS_PREFIX + this.reason.replaceAll(";", "_").replaceAll("=", "_");
  }

  /**
   * Whether it stands for the provider failing to answer: a health signal for the key used, and worth a
   * retry, as a call of the plugin's own that got no answer is. False for everything the provider never
   * had a say in, which must neither take a key out of rotation nor be sent again (a retry would go
   * around a filter that refused the request, or resend a body Envoy never kept).
   */
  get providerFailed(): bool {
    const reason = this.reason;
    if (!PROVIDER_FAILURES.includes(reason)) return false;
    if (reason != RESET_BEFORE_RESPONSE) return true;
    const extras = this.details.substring(reason.length);
    for (let i = 0; i < LOCAL_RESET_REASONS.length; i++) if (extras.startsWith("{" + LOCAL_RESET_REASONS[i])) return false;
    return true;
  }

  private get reason(): string {
    const brace = this.details.indexOf("{");
    return brace >= 0 ? this.details.substring(0, brace) : this.details;
  }
}

/** The reply at hand if Envoy or a filter generated it; null when it came from upstream, or when the host names no details (treated as upstream). */
export function envoyReply(): EnvoyReply | null {
  // Read on every response: on loan, compared as bytes, decoded (before the next peek) only for a reply of Envoy's.
  const raw = peekProperty(CODE_DETAILS);
  if (raw === null || raw.byteLength == 0 || bytesEqual(raw, VIA_UPSTREAM)) return null;
  return new EnvoyReply(String.UTF8.decode(raw));
}

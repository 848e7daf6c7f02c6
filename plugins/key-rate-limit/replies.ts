// key-rate-limit's one answer: the configured status (429 by default, as Higress) with the configured
// body (`rate_limited` by default, Higress's C++ body), `Retry-After` (seconds until the window ends)
// and, with `show_limit_quota_header`, the X-RateLimit-* headers. Detail code `key-rate-limit.rate_limited`.
import { encodePairs, sendEncodedReply } from "../common/host";
import { RateLimitConfig } from "./config";

const DETAILS = String.UTF8.encode("key-rate-limit.rate_limited");

export function sendRejected(c: RateLimitConfig, limit: u32, retryAfterSeconds: u64): void {
  const wait = retryAfterSeconds.toString();
  const headers = c.showQuotaHeaders
    ? ["retry-after", wait, "x-ratelimit-limit", limit.toString(), "x-ratelimit-remaining", "0", "x-ratelimit-reset", wait]
    : ["retry-after", wait];
  // The headers carry this request's numbers; only they are encoded per reply.
  sendEncodedReply(c.rejectedCode, DETAILS, c.rejectedBody, encodePairs(headers));
}

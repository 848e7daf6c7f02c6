// cluster-key-rate-limit's answers. Over the limit: `rejected_code` (429) with `rejected_msg`
// ("Too many requests"), `X-RateLimit-Reset` (seconds until the window ends, as Higress sends it),
// `Retry-After` (the same value, which HTTP clients understand) and, with `show_limit_quota_header`,
// `X-RateLimit-Limit` and `X-RateLimit-Remaining: 0`. Redis unreachable with `failure_mode_deny`:
// 503 with an empty body.
import { encodePairs, sendEncodedReply } from "../common/host";
import { Reply } from "../common/reply";
import { ClusterConfig } from "./config";

const REJECTED = String.UTF8.encode("cluster-key-rate-limit.rejected");
const REDIS_UNAVAILABLE = new Reply(503, "cluster-key-rate-limit.redis_unavailable");

export function sendRejected(c: ClusterConfig, limit: u32, resetSeconds: u64): void {
  const reset = resetSeconds.toString();
  const headers = c.showQuotaHeaders
    ? ["x-ratelimit-reset", reset, "retry-after", reset, "x-ratelimit-limit", limit.toString(), "x-ratelimit-remaining", "0"]
    : ["x-ratelimit-reset", reset, "retry-after", reset];
  // The headers carry this request's numbers; only they are encoded per reply.
  sendEncodedReply(c.rejectedCode, REJECTED, c.rejectedBody, encodePairs(headers));
}

export function sendRedisUnavailable(): void {
  REDIS_UNAVAILABLE.send();
}

// retryOnFailure: a provider answer whose status matches `retryOnStatus` is tried again, up to
// `maxRetries` times, with another healthy API key, by proxy_http_call to the cluster the request went
// to, with the translated body kept from on_request_body. It applies to plain requests and to streams
// (at response headers nothing has reached the client yet; a retried stream comes back whole and is
// answered in one piece). Each attempt counts for failover. The client gets the first answer that is
// not retryable (translated as the original would have been), or, once retries or `retryTimeout` run
// out, the last failure as an error in its own format.
//
// `retryTimeout` bounds all retries of a request together (from the first retry); each attempt also
// stops at the provider's `timeout`. Higress applies retryTimeout to each retry instead; a total keeps
// the client's wait bounded whatever maxRetries is.
//
// The same machinery sends the prompt-param mode's request (prompt-param.ts): there the first attempt is
// a call too.
import { nowNanos, setEffectiveContext } from "../common/host";
import { CallHandler, CallResponse, PendingCalls } from "./calls";
import { matchesStatus, ProviderConfig } from "./config";
import { AiProxyContext } from "./filter";
import { ProviderRequest, providerCallHeaders } from "./provider-call";
import { TokenPool } from "./tokens";

export class Attempts extends CallHandler {
  /** Tokens tried so far (a retry prefers another). */
  private readonly tried: i32[] = [];
  /** Attempts made, including one Envoy made itself before a retry. */
  private made: i32 = 0;
  private token: i32 = -1;
  private deadlineNs: u64 = 0;

  constructor(
    private readonly owner: AiProxyContext,
    private readonly pc: ProviderConfig,
    private readonly pool: TokenPool,
    private readonly calls: PendingCalls,
    private readonly request: ProviderRequest,
  ) {
    super();
  }

  /** Whether a request that failed with `status` may be retried (the request can be sent again). */
  static wanted(pc: ProviderConfig, request: ProviderRequest | null, status: u32): bool {
    return pc.retry.enabled && request !== null && request.body !== null && request.cluster.length > 0
      && matchesStatus(pc.retry.retryOnStatus, status);
  }

  /** Starts the first retry after Envoy's own attempt with `token` failed; false if none could be sent. */
  retryAfter(token: i32): bool {
    this.made = 1;
    if (token >= 0) this.tried.push(token);
    return this.sendNext();
  }

  /** Sends the first attempt with `token` (the prompt-param mode); false if the host refused the call. */
  first(token: i32): bool {
    return this.send(token, this.pc.timeout);
  }

  onResponse(res: CallResponse): void {
    this.owner.noteOutcome(this.token, res.status);
    // The client may have gone meanwhile: then there is nobody to answer.
    if (!setEffectiveContext(this.owner.context_id)) return;
    const retryable = !res.answered || (this.pc.retry.enabled && matchesStatus(this.pc.retry.retryOnStatus, res.status));
    if (!retryable) {
      this.owner.answerWith(res);
      return;
    }
    if (this.made <= this.pc.retry.maxRetries && this.pc.retry.enabled && this.sendNext()) return;
    this.owner.failWith(res, this.made);
  }

  /** A retry with another healthy token, within the retry budget; false when none can go. */
  private sendNext(): bool {
    const now = nowNanos();
    if (this.deadlineNs == 0) this.deadlineNs = now + <u64>this.pc.retry.retryTimeout * 1_000_000;
    if (now >= this.deadlineNs) return false;
    const leftMs = <u32>((this.deadlineNs - now + 999_999) / 1_000_000);
    let token = -1;
    if (this.pool.size > 0) {
      token = this.pool.pickRetry(this.tried);
      if (token < 0) return false; // every key is out of rotation
    }
    return this.send(token, min(leftMs, this.pc.timeout));
  }

  private send(token: i32, timeoutMs: u32): bool {
    const req = this.request;
    const headers = providerCallHeaders(this.pc, token, req.path, req.authority);
    if (!this.calls.send(req.cluster, headers, req.body!, timeoutMs, this)) return false;
    this.token = token;
    if (token >= 0 && !this.tried.includes(token)) this.tried.push(token);
    this.made++;
    return true;
  }
}

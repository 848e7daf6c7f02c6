// request-block's answers: the configured `blocked_code` with `blocked_message` as the body (Higress's
// behaviour), with a detail code saying what matched; and 413 when a body too large to inspect is
// refused (`oversize_body: block`).
import { Reply } from "../common/reply";

/** The answers of one configuration, made once when it is parsed. */
export class BlockedReplies {
  readonly url: Reply;
  readonly header: Reply;
  readonly body: Reply;

  constructor(code: u32, message: string) {
    this.url = new Reply(code, "request-block.blocked_url", message);
    this.header = new Reply(code, "request-block.blocked_header", message);
    this.body = new Reply(code, "request-block.blocked_body", message);
  }
}

export const BODY_TOO_LARGE = new Reply(413, "request-block.body_too_large", "request body too large to inspect");

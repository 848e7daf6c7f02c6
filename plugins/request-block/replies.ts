// request-block's answers: the configured `blocked_code` with `blocked_message` as the body (Higress's
// behaviour), with a detail code saying what matched; and 413 when a body too large to inspect is
// refused (`oversize_body: block`).
import { Reply } from "../common/reply";

export function blocked(code: u32, message: string, what: string): Reply {
  return new Reply(code, "request-block.blocked_" + what, message);
}

export const BODY_TOO_LARGE = new Reply(413, "request-block.body_too_large", "request body too large to inspect");

// Every answer key-auth gives instead of passing a request on. Status codes and headers are Higress's
// (C++ key-auth): 401 with `WWW-Authenticate: Key realm=MSE Gateway` when no key or an unknown key is
// presented, 403 when the consumer is not allowed on the route (Higress sends `Basic realm` there, and
// clients written against it may look for it, so it is kept). Bodies are empty, as in Higress.
import { Reply } from "../common/reply";

const KEY_REALM = ["www-authenticate", "Key realm=MSE Gateway"];
const BASIC_REALM = ["www-authenticate", "Basic realm=MSE Gateway"];

export const MISSING_KEY = new Reply(401, "key-auth.missing_key", "", KEY_REALM);
export const UNKNOWN_KEY = new Reply(401, "key-auth.unknown_key", "", KEY_REALM);
export const NOT_ALLOWED = new Reply(403, "key-auth.consumer_not_allowed", "", BASIC_REALM);

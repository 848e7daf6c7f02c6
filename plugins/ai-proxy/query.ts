// Query strings of request paths: what the client sent after '?', and joining it to a provider's path.

/** The query of a path, without the '?'; "" when there is none. */
export function queryOf(path: string): string {
  const q = path.indexOf("?");
  return q < 0 ? "" : path.substring(q + 1);
}

/** True when `query` (without '?') sets parameter `name`. */
export function hasParam(query: string, name: string): bool {
  return ("&" + query).includes("&" + name + "=");
}

/**
 * `path` with the client's `query` added. Parameters the path's own query already sets (Azure's
 * configured `api-version`) are the gateway's: the client's value for them is left out rather than
 * sent twice, which providers would read either way.
 */
export function withClientQuery(path: string, query: string): string {
  if (query.length == 0) return path;
  const own = queryOf(path);
  if (own.length == 0) return path + "?" + query;
  let added = "";
  const params = query.split("&");
  for (let i = 0; i < params.length; i++) {
    const param = params[i];
    if (param.length == 0) continue;
    const eq = param.indexOf("=");
    if (hasParam(own, eq < 0 ? param : param.substring(0, eq))) continue;
    added += "&" + param;
  }
  return path + added;
}

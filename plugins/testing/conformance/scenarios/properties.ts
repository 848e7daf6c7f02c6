// Properties: proxy_get_property (NUL-separated paths; strings raw, integers 8-byte little-endian,
// booleans one byte) and proxy_set_property (filter state, read back through get_property).
import { BAD_PTR } from "../abi";
import * as abi from "../abi";
import { getProperty, path, setProperty } from "../calls";
import { OUT_PTR, OUT_SIZE } from "../mem";
import { Report } from "../report";

/** `properties`, in on_request_headers. */
export function streamProperties(): void {
  const r = new Report("properties");
  r.text("request.path", getProperty(path(["request", "path"])));
  r.text("request.path.trailing_nul", getProperty(path(["request", "path", ""])));
  r.text("request.path.dotted", getProperty("request.path"));
  r.text("request.url_path", getProperty(path(["request", "url_path"])));
  r.text("request.query", getProperty(path(["request", "query"])));
  r.text("request.method", getProperty(path(["request", "method"])));
  r.text("request.host", getProperty(path(["request", "host"])));
  r.text("request.scheme", getProperty(path(["request", "scheme"])));
  r.text("request.protocol", getProperty(path(["request", "protocol"])));
  r.text("request.id", getProperty(path(["request", "id"])));
  r.text("request.header", getProperty(path(["request", "headers", "x-scenario"])));
  r.binary("request.time", getProperty(path(["request", "time"])));
  r.binary("request.size", getProperty(path(["request", "size"])));
  r.binary("request.headers", getProperty(path(["request", "headers"])));
  r.text("source.address", getProperty(path(["source", "address"])));
  r.binary("source.port", getProperty(path(["source", "port"])));
  r.text("destination.address", getProperty(path(["destination", "address"])));
  r.binary("connection.mtls", getProperty(path(["connection", "mtls"])));
  r.text("xds.route_name", getProperty(path(["xds", "route_name"])));
  r.text("route_name", getProperty("route_name"));
  r.text("xds.cluster_name", getProperty(path(["xds", "cluster_name"])));
  r.text("cluster_name", getProperty("cluster_name"));
  r.text("plugin_name", getProperty("plugin_name"));
  r.text("plugin_root_id", getProperty("plugin_root_id"));
  r.text("plugin_vm_id", getProperty("plugin_vm_id"));
  r.text("node.id", getProperty(path(["node", "id"])));
  r.text("response.code", getProperty(path(["response", "code"])));
  r.text("missing", getProperty(path(["no_such", "thing"])));
  r.code("get.bad_path_ptr", abi.proxy_get_property(BAD_PTR, 8, OUT_PTR, OUT_SIZE));

  r.code("set", setProperty("conformance_state", "saved value"));
  r.text("set.read_back", getProperty("conformance_state"));
  r.code("set.bad_value_ptr", abi.proxy_set_property(OUT_PTR, 4, BAD_PTR, 4));
  r.reply();
}

/** Properties from the root context at configure time: only the plugin's own are there. */
export function rootProperties(r: Report): void {
  r.text("property.plugin_name", getProperty("plugin_name"));
  r.text("property.plugin_vm_id", getProperty("plugin_vm_id"));
  r.text("property.request_path", getProperty(path(["request", "path"])));
  r.code("set_property", setProperty("x", "y"));
}

// Process-wide shared state: proxy_{get,set}_shared_data (compare-and-swap) and the shared queues
// (proxy_register/resolve/enqueue/dequeue_shared_queue, delivered through proxy_on_queue_ready).
import { BAD_PTR, Result } from "../abi";
import * as abi from "../abi";
import { dequeue, enqueue, getShared, registerQueue, resolveQueue, setShared } from "../calls";
import { OUT_PTR, OUT_SIZE, OUT_U32, enc, len, ptr } from "../mem";
import { Report } from "../report";
import { param, plugin } from "../state";

/**
 * `shared`: one shared-data operation given by request headers: `x-op: get|set`, `x-key`,
 * `x-value`, `x-cas` (decimal; 0 = unconditional).
 */
export function sharedDataOp(): void {
  const op = param("x-op");
  const key = param("x-key");
  const r = new Report("shared");
  if (op == "set") {
    r.code("set", setShared(key, param("x-value"), <u32>U64.parseInt(param("x-cas"))));
  }
  const got = getShared(key);
  r.text("get", got);
  if (got.ok) r.set("get.cas", got.num.toString());
  r.reply();
}

/** `shared-memory`: shared-data calls given pointers outside the module's memory. */
export function sharedDataBadMemory(): void {
  const k = enc("k");
  const r = new Report("shared-memory");
  r.code("get.bad_key_ptr", abi.proxy_get_shared_data(BAD_PTR, 4, OUT_PTR, OUT_SIZE, OUT_U32));
  r.code("set.bad_value_ptr", abi.proxy_set_shared_data(ptr(k), len(k), BAD_PTR, 4, 0));
  r.code("set.bad_key_ptr", abi.proxy_set_shared_data(BAD_PTR, 4, ptr(k), len(k), 0));
  r.reply();
}

/** Registers the queue named by `queue=<name>` in the configuration (root context, on_configure). */
export function registerConfiguredQueue(r: Report): void {
  const name = plugin.config.get("queue");
  if (name.length == 0) return;
  const got = registerQueue(name);
  plugin.queueToken = <u32>got.num;
  r.number("queue.register", got);
}

/**
 * `queue-ops`, in on_request_headers: resolve, enqueue (`x-value`), and the error results. Delivery
 * happens later, on the registrant's root context (see queueReady).
 */
export function queueOps(): void {
  const name = param("x-queue");
  const r = new Report("queue-ops");
  const resolved = resolveQueue(param("x-vm-id"), name);
  r.number("resolve", resolved);
  r.number("resolve.other_vm", resolveQueue("no-such-vm", name));
  r.number("resolve.unknown_name", resolveQueue("", "no-such-queue"));
  r.number("register.again", registerQueue(name));
  if (resolved.ok) r.code("enqueue", enqueue(<u32>resolved.num, param("x-value")));
  r.code("enqueue.unknown_token", enqueue(0x7fff0000, "x"));
  r.code("dequeue.unknown_token", dequeue(0x7fff0000).result);
  const empty = registerQueue("conformance-always-empty");
  r.code("dequeue.empty", dequeue(<u32>empty.num).result);
  r.code("enqueue.bad_data_ptr", abi.proxy_enqueue_shared_queue(<u32>resolved.num, BAD_PTR, 4));
  r.code("register.bad_name_ptr", abi.proxy_register_shared_queue(BAD_PTR, 4, OUT_U32));
  r.reply();
}

/** `enqueue`, in on_request_headers: resolves `x-queue` in this vm_id and enqueues `x-value`. */
export function enqueueOnly(): void {
  const r = new Report("enqueue");
  const resolved = resolveQueue("", param("x-queue"));
  r.number("resolve", resolved);
  if (resolved.ok) r.code("enqueue", enqueue(<u32>resolved.num, param("x-value")));
  r.reply();
}

/** proxy_on_queue_ready: drains the queue and logs what it found and how the drain ended. */
export function queueReady(rootId: u32, token: u32): void {
  const r = new Report("queue-ready");
  r.set("root", rootId.toString());
  r.set("token", token.toString());
  r.set("own_token", plugin.queueToken.toString());
  r.set("streams_seen", plugin.streamsSeen.toString());
  let items = "";
  let got = dequeue(token);
  while (got.result == Result.Ok) {
    items += (items.length ? "," : "") + got.str();
    got = dequeue(token);
  }
  r.set("items", items);
  r.code("last", got.result);
  r.log();
}

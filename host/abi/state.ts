// Host functions on process state: logging, properties, shared data and queues, metrics, time, timers.
import { LogLevel, MetricType, WasmResult } from "./constants.ts";
import { levelName } from "../services/logger.ts";
import { recordSample } from "../services/metrics.ts";
import { PropertyPaths } from "./property-paths.ts";
import type { WasmVm } from "../vm/vm.ts";
import { activeContext, type ImportTable } from "./util.ts";

const R = WasmResult;

/** Metric ids carry their type in the low two bits, as Envoy's do (kMetricTypeMask). */
const TYPE_MASK = 3;

export function stateImports(vm: WasmVm): ImportTable {
  const s = vm.services;
  const mem = () => vm.mem;
  const metrics = new Map<number, ReturnType<typeof s.metrics.define>>();
  const paths = new PropertyPaths();
  let nextMetric = 1;

  const log = (level: number, message: string) => {
    if (level < s.logLevel) return;
    const ctx = vm.activeContext();
    const plugin = ctx ? ctx.root.plugin.name : vm.label;
    s.log.write({ level: levelName(level), plugin, message });
  };

  return {
    proxy_log(level: number, ptr: number, size: number) {
      if (level >>> 0 > LogLevel.critical) return R.BadArgument;
      const message = mem().readString(ptr, size);
      if (message === undefined) return R.InvalidMemoryAccess;
      log(level, message);
      return R.Ok;
    },

    proxy_get_log_level(resultPtr: number) {
      activeContext(vm);
      return mem().writeU32(resultPtr, s.logLevel) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_get_status(codePtr: number, msgPtrPtr: number, msgSizePtr: number) {
      const root = activeContext(vm).root;
      if (!mem().writeU32(codePtr, root.status.code)) return R.InvalidMemoryAccess;
      return vm.copyOut(Buffer.from(root.status.message), msgPtrPtr, msgSizePtr);
    },

    proxy_get_property(pathPtr: number, pathSize: number, valuePtrPtr: number, valueSizePtr: number) {
      const ctx = activeContext(vm);
      const m = mem();
      if (!m.inBounds(pathPtr, pathSize)) return R.InvalidMemoryAccess;
      // Paths are NUL-separated segments ("request\0path"), not dotted.
      const value = ctx.property(paths.lookup(m.u8, pathPtr >>> 0, pathSize >>> 0));
      if (typeof value === "number") return value;
      if (typeof value === "string") return vm.copyOutString(value, valuePtrPtr, valueSizePtr);
      return vm.copyOut(value, valuePtrPtr, valueSizePtr);
    },

    proxy_set_property(pathPtr: number, pathSize: number, valuePtr: number, valueSize: number) {
      const ctx = activeContext(vm);
      const path = mem().readString(pathPtr, pathSize);
      const value = mem().read(valuePtr, valueSize);
      if (path === undefined || !value) return R.InvalidMemoryAccess;
      return ctx.setProperty(path, value);
    },

    proxy_get_shared_data(keyPtr: number, keySize: number, valuePtrPtr: number, valueSizePtr: number, casPtr: number) {
      activeContext(vm);
      const key = mem().readString(keyPtr, keySize);
      if (key === undefined) return R.InvalidMemoryAccess;
      const entry = s.sharedData.get(vm.vmId, key);
      if (!entry) return R.NotFound;
      const r = vm.copyOut(entry.value, valuePtrPtr, valueSizePtr);
      if (r !== R.Ok) return r;
      return mem().writeU32(casPtr, entry.cas) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_set_shared_data(keyPtr: number, keySize: number, valuePtr: number, valueSize: number, cas: number) {
      activeContext(vm);
      const key = mem().readString(keyPtr, keySize);
      const value = mem().read(valuePtr, valueSize);
      if (key === undefined || !value) return R.InvalidMemoryAccess;
      return s.sharedData.set(vm.vmId, key, value, cas >>> 0);
    },

    proxy_register_shared_queue(namePtr: number, nameSize: number, tokenPtr: number) {
      const root = activeContext(vm).root;
      const name = mem().readString(namePtr, nameSize);
      if (name === undefined) return R.InvalidMemoryAccess;
      const token = s.queues.register(vm.vmId, name, {
        notify: (t) => vm.invoke(root, vm.onQueueReady, root.id, t),
      });
      return mem().writeU32(tokenPtr, token) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_resolve_shared_queue(vmIdPtr: number, vmIdSize: number, namePtr: number, nameSize: number, tokenPtr: number) {
      activeContext(vm);
      const vmId = mem().readString(vmIdPtr, vmIdSize);
      const name = mem().readString(namePtr, nameSize);
      if (vmId === undefined || name === undefined) return R.InvalidMemoryAccess;
      // cpp-host's lookupSharedQueue: an empty vm_id means the caller's own.
      const token = s.queues.resolve(vmId === "" ? vm.vmId : vmId, name);
      if (token === undefined) return R.NotFound;
      return mem().writeU32(tokenPtr, token) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_enqueue_shared_queue(token: number, dataPtr: number, dataSize: number) {
      activeContext(vm);
      const data = mem().read(dataPtr, dataSize);
      if (!data) return R.InvalidMemoryAccess;
      return s.queues.enqueue(token >>> 0, data);
    },

    proxy_dequeue_shared_queue(token: number, dataPtrPtr: number, dataSizePtr: number) {
      activeContext(vm);
      const item = s.queues.dequeue(token >>> 0);
      if (typeof item === "number") return item;
      return vm.copyOut(item, dataPtrPtr, dataSizePtr);
    },

    proxy_define_metric(type: number, namePtr: number, nameSize: number, idPtr: number) {
      activeContext(vm);
      const name = mem().readString(namePtr, nameSize);
      if (name === undefined) return R.InvalidMemoryAccess;
      if (type >>> 0 > MetricType.Histogram) return R.BadArgument;
      const id = (nextMetric++ << 2) | type;
      metrics.set(id, s.metrics.define(type, name));
      return mem().writeU32(idPtr, id) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_increment_metric(id: number, offset: bigint) {
      activeContext(vm);
      const type = id & TYPE_MASK;
      if (type === MetricType.Histogram) return R.BadArgument;
      const stat = metrics.get(id);
      if (!stat) return R.NotFound;
      if (type === MetricType.Counter && offset <= 0n) return R.BadArgument;
      stat.value += offset;
      return R.Ok;
    },

    proxy_record_metric(id: number, value: bigint) {
      activeContext(vm);
      const stat = metrics.get(id);
      if (!stat) return R.NotFound;
      const v = BigInt.asUintN(64, value);
      const type = id & TYPE_MASK;
      if (type === MetricType.Counter) stat.value += v;
      else if (type === MetricType.Gauge) stat.value = v;
      else {
        recordSample(stat, Number(v));
      }
      return R.Ok;
    },

    proxy_get_metric(id: number, resultPtr: number) {
      activeContext(vm);
      const type = id & TYPE_MASK;
      if (type === MetricType.Histogram) return R.BadArgument;
      const stat = metrics.get(id);
      if (!stat) return R.NotFound;
      return mem().writeU64(resultPtr, stat.value) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_get_current_time_nanoseconds(resultPtr: number) {
      activeContext(vm);
      return mem().writeU64(resultPtr, s.clock.nowNanos()) ? R.Ok : R.InvalidMemoryAccess;
    },

    proxy_set_tick_period_milliseconds(periodMs: number) {
      const root = activeContext(vm).root;
      root.tick?.cancel();
      root.tick = null;
      if (periodMs >>> 0 > 0) {
        root.tick = s.clock.every(periodMs >>> 0, () => {
          if (vm.failed) return root.tick?.cancel();
          vm.invoke(root, vm.onTick, root.id);
        });
      }
      return R.Ok;
    },
  };
}

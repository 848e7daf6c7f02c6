// Process-wide shared key/value data and shared queues, keyed by vm_id, as proxy-wasm-cpp-host keeps
// them (src/shared_data.cc, src/shared_queue.cc): every VM of every worker with the same vm_id sees the
// same entries, and compare-and-swap values come from one global counter.
import { WasmResult } from "../abi/constants.ts";

interface Entry { value: Buffer; cas: number }

export class SharedData {
  private readonly data = new Map<string, Map<string, Entry>>();
  private casCounter = 1;

  private nextCas(): number {
    const cas = this.casCounter;
    this.casCounter = (this.casCounter + 1) >>> 0 || 1; // 0 means "no CAS"; skip it on wrap-around
    return cas;
  }

  get(vmId: string, key: string): Entry | undefined {
    return this.data.get(vmId)?.get(key);
  }

  set(vmId: string, key: string, value: Buffer, cas: number): number {
    let map = this.data.get(vmId);
    if (!map) this.data.set(vmId, (map = new Map()));
    const existing = map.get(key);
    if (existing && cas !== 0 && cas !== existing.cas) return WasmResult.CasMismatch;
    map.set(key, { value, cas: this.nextCas() });
    return WasmResult.Ok;
  }

  keys(vmId: string): string[] {
    return [...(this.data.get(vmId)?.keys() ?? [])];
  }
}

export interface QueueOwner {
  /** Called (asynchronously, as on the owner's worker thread) when data was enqueued. */
  notify(token: number): void;
}

interface Queue { items: Buffer[]; owner: QueueOwner }

export class SharedQueues {
  private readonly tokens = new Map<string, number>();
  private readonly queues = new Map<number, Queue>();
  private nextToken = 1;

  /** Registers (or re-registers, keeping pending data) a queue; the newest registrant is notified. */
  register(vmId: string, name: string, owner: QueueOwner): number {
    const key = `${vmId}\u0000${name}`;
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.nextToken++;
      this.tokens.set(key, token);
      this.queues.set(token, { items: [], owner });
    } else {
      this.queues.get(token)!.owner = owner;
    }
    return token;
  }

  resolve(vmId: string, name: string): number | undefined {
    return this.tokens.get(`${vmId}\u0000${name}`);
  }

  enqueue(token: number, value: Buffer): number {
    const q = this.queues.get(token);
    if (!q) return WasmResult.NotFound;
    q.items.push(value);
    const owner = q.owner;
    queueMicrotask(() => owner.notify(token));
    return WasmResult.Ok;
  }

  dequeue(token: number): Buffer | number {
    const q = this.queues.get(token);
    if (!q) return WasmResult.NotFound;
    return q.items.shift() ?? WasmResult.Empty;
  }
}

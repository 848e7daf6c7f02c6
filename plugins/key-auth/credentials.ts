// Finding the consumer a presented key belongs to. Keys are looked up through a hash of their bytes
// and then compared in constant time, so neither the lookup nor the comparison reveals how much of a
// guessed key was right. Credentials configured as `sha256:<hex>` are matched against the SHA-256 of
// the presented key, so a configuration need not hold plaintext keys.
//
// The table is flat (every secret's bytes in one buffer, its index in one array of numbers) rather
// than objects per key, because the collector marks every live object on each collection: with a Map
// of entry lists, 8 consumers made key-auth's live set over 200 objects and each collection ≈ 4 µs.
// A hand-written open-addressing table is the smallest structure that stays a few objects.
import { constantTimeEqualsAt, fnv1a } from "../common/bytes";
import { sha256 } from "../common/sha256";

/** Numbers per entry in `SecretTable.entries`: hash, start in `bytes`, length, consumer. */
const STRIDE = 4;

/** Secrets, each with the index of the consumer it belongs to. */
export class SecretTable {
  /** The secrets back to back. */
  private bytes: ArrayBuffer = new ArrayBuffer(64);
  private byteCount: i32 = 0;
  private entries: i32[] = [];
  /** Open addressing over the entries: entry index + 1, or 0 for a free slot; at most half full. */
  private slots: StaticArray<i32> = new StaticArray<i32>(8);
  size: i32 = 0;

  add(secret: ArrayBuffer, consumer: i32): void {
    const n = secret.byteLength;
    if (this.byteCount + n > this.bytes.byteLength) {
      const grown = new ArrayBuffer(max(this.bytes.byteLength * 2, this.byteCount + n));
      memory.copy(changetype<usize>(grown), changetype<usize>(this.bytes), this.byteCount);
      this.bytes = grown;
    }
    memory.copy(changetype<usize>(this.bytes) + this.byteCount, changetype<usize>(secret), n);
    this.entries.push(<i32>fnv1a(changetype<usize>(secret), n));
    this.entries.push(this.byteCount);
    this.entries.push(n);
    this.entries.push(consumer);
    this.byteCount += n;
    this.size++;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(this.size - 1);
  }

  /**
   * The consumer of the entry equal to `probe`, or -1. Every entry with the probe's hash is compared
   * in full (no early exit), so timing does not depend on which one matched.
   */
  find(probe: ArrayBuffer): i32 {
    const p = changetype<usize>(probe);
    const n = probe.byteLength;
    const hash = <i32>fnv1a(p, n);
    const slots = this.slots;
    const entries = this.entries;
    const base = changetype<usize>(this.bytes);
    const mask = slots.length - 1;
    let found = -1;
    for (let i = hash & mask; ; i = (i + 1) & mask) {
      const e = unchecked(slots[i]) - 1;
      if (e < 0) break;
      const at = e * STRIDE;
      if (unchecked(entries[at]) != hash) continue;
      const equal = constantTimeEqualsAt(base + <usize>unchecked(entries[at + 1]), unchecked(entries[at + 2]), p, n);
      if (equal && found < 0) found = unchecked(entries[at + 3]);
    }
    return found;
  }

  private rehash(slotCount: i32): void {
    this.slots = new StaticArray<i32>(slotCount);
    for (let e = 0; e < this.size; e++) this.place(e);
  }

  private place(e: i32): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.entries[e * STRIDE] & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = e + 1;
  }
}

export class CredentialTable {
  private readonly plain: SecretTable = new SecretTable();
  private readonly hashed: SecretTable = new SecretTable();

  /** Adds a credential: the key itself, or (`isSha256`) the 32-byte SHA-256 of the key. */
  add(credential: ArrayBuffer, isSha256: bool, consumer: i32): void {
    (isSha256 ? this.hashed : this.plain).add(credential, consumer);
  }

  /** The index of the consumer owning this key, or -1. */
  lookup(key: ArrayBuffer): i32 {
    let consumer = this.plain.size ? this.plain.find(key) : -1;
    if (consumer < 0 && this.hashed.size) consumer = this.hashed.find(sha256(changetype<usize>(key), key.byteLength));
    return consumer;
  }
}

/** The SHA-256 of each credential added so far: two credentials accepting the same key collide here. */
export class CredentialDigests {
  private readonly digests: SecretTable = new SecretTable();

  /** Records the credential; false when one accepting the same key was recorded before. */
  addUnique(credential: ArrayBuffer, isSha256: bool): bool {
    const digest = isSha256 ? credential : sha256(changetype<usize>(credential), credential.byteLength);
    if (this.digests.find(digest) >= 0) return false;
    this.digests.add(digest, 0);
    return true;
  }
}

// Finding the consumer a presented key belongs to. Keys are looked up through a hash of their bytes
// and then compared in constant time, so neither the lookup nor the comparison reveals how much of a
// guessed key was right. Credentials configured as `sha256:<hex>` are matched against the SHA-256 of
// the presented key, so a configuration need not hold plaintext keys.
import { constantTimeEquals, fnv1a } from "../common/bytes";
import { sha256 } from "../common/sha256";

class Entry {
  constructor(readonly secret: ArrayBuffer, readonly consumer: i32) {}
}

class Buckets {
  private readonly map: Map<u32, Entry[]> = new Map();
  size: i32 = 0;

  add(secret: ArrayBuffer, consumer: i32): void {
    const h = fnv1a(changetype<usize>(secret), secret.byteLength);
    if (!this.map.has(h)) this.map.set(h, []);
    this.map.get(h).push(new Entry(secret, consumer));
    this.size++;
  }

  has(secret: ArrayBuffer): bool {
    return this.find(secret) >= 0;
  }

  /** The consumer index of the entry equal to `probe`, or -1. */
  find(probe: ArrayBuffer): i32 {
    const h = fnv1a(changetype<usize>(probe), probe.byteLength);
    if (!this.map.has(h)) return -1;
    const entries = this.map.get(h);
    let found = -1;
    for (let i = 0; i < entries.length; i++) {
      // Compare every candidate fully (no early exit) to keep timing independent of the secret.
      if (constantTimeEquals(entries[i].secret, probe) && found < 0) found = entries[i].consumer;
    }
    return found;
  }
}

export class CredentialTable {
  private readonly plain: Buckets = new Buckets();
  private readonly hashed: Buckets = new Buckets();
  /** The SHA-256 of every credential, plain or not: two entries that accept the same key collide here. */
  private readonly digests: Buckets = new Buckets();

  /** Adds a credential; false when a credential accepting the same key is already in the table. */
  add(credential: ArrayBuffer, isSha256: bool, consumer: i32): bool {
    const digest = isSha256 ? credential : sha256(changetype<usize>(credential), credential.byteLength);
    if (this.digests.has(digest)) return false;
    this.digests.add(digest, consumer);
    (isSha256 ? this.hashed : this.plain).add(credential, consumer);
    return true;
  }

  /** The index of the consumer owning this key, or -1. */
  lookup(key: ArrayBuffer): i32 {
    let consumer = this.plain.size ? this.plain.find(key) : -1;
    if (consumer < 0 && this.hashed.size) consumer = this.hashed.find(sha256(changetype<usize>(key), key.byteLength));
    return consumer;
  }
}

// Replacement with Go's regexp.ReplaceAllString semantics (what Higress's ai-proxy modelMapping
// uses for `~regex` keys): every non-overlapping leftmost-first match is replaced by the template,
// where $1, ${1}, $name, ${name} insert a group ($$ is a literal $). As in Go, $name takes the
// longest run of [A-Za-z0-9_], so "$1x" means group "1x" (empty): write "${1}x".
import { ByteBuffer } from "./byte-buffer";
import { PikeVm } from "./pike-vm";
import { characterWidthAt } from "./utf8-characters";

@inline function isNameByte(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

/** Appends to `out` the input with every match of the VM's program replaced by `template`. */
export function replaceAllInto(
  vm: PikeVm,
  groupNames: Array<string>,
  base: usize,
  len: i32,
  template: ByteBuffer,
  out: ByteBuffer,
): void {
  let searchPos = 0;
  let lastMatchEnd = 0;
  while (searchPos <= len) {
    if (!vm.exec(base, len, searchPos, false, false)) break;
    const start = unchecked(vm.matchCaps[0]);
    const end = unchecked(vm.matchCaps[1]);
    out.appendBytes(base + <usize>lastMatchEnd, start - lastMatchEnd);
    // An empty match right after the previous match is not replaced (Go does the same).
    if (end > lastMatchEnd || start == 0) expandTemplate(template, groupNames, vm.matchCaps, base, out);
    lastMatchEnd = end;
    const width = searchPos < len ? characterWidthAt(base, len, searchPos) : 1;
    if (searchPos + width > end) searchPos += width;
    else searchPos = end;
  }
  out.appendBytes(base + <usize>lastMatchEnd, len - lastMatchEnd);
}

/** Appends the template with $-references to the groups in `caps` resolved. */
export function expandTemplate(template: ByteBuffer, groupNames: Array<string>, caps: StaticArray<i32>, base: usize, out: ByteBuffer): void {
  const t = template.ptr;
  const n = template.length;
  let i = 0;
  while (i < n) {
    const c = <i32>load<u8>(t + <usize>i);
    if (c != 0x24 /* $ */) {
      out.appendByte(c);
      i++;
      continue;
    }
    if (i + 1 < n && load<u8>(t + <usize>(i + 1)) == 0x24) {
      out.appendByte(0x24);
      i += 2;
      continue;
    }
    let j = i + 1;
    const braced = j < n && load<u8>(t + <usize>j) == 0x7b; /* { */
    if (braced) j++;
    const nameStart = j;
    while (j < n && isNameByte(<i32>load<u8>(t + <usize>j))) j++;
    const nameEnd = j;
    let ok = nameEnd > nameStart;
    if (braced) {
      ok = ok && j < n && load<u8>(t + <usize>j) == 0x7d; /* } */
      j++;
    }
    if (!ok) {
      out.appendByte(0x24); // not a reference: a literal $
      i++;
      continue;
    }
    const group = groupFor(t + <usize>nameStart, nameEnd - nameStart, groupNames);
    if (group >= 0 && group < groupNames.length) {
      const start = unchecked(caps[group << 1]);
      const end = unchecked(caps[(group << 1) + 1]);
      if (start >= 0 && end >= start) out.appendBytes(base + <usize>start, end - start);
    }
    i = j;
  }
}

/** Group index for a reference name: a number without leading zeros, else a group name; -1 if none. */
function groupFor(name: usize, length: i32, groupNames: Array<string>): i32 {
  let number: i32 = 0;
  let numeric = length <= 8;
  for (let i = 0; i < length && numeric; i++) {
    const c = <i32>load<u8>(name + <usize>i);
    if (c < 0x30 || c > 0x39) numeric = false;
    else number = number * 10 + (c - 0x30);
  }
  if (numeric && !(length > 1 && load<u8>(name) == 0x30)) return number;
  const text = String.UTF8.decodeUnsafe(name, <usize>length);
  for (let g = 1; g < groupNames.length; g++) {
    if (groupNames[g] == text) return g;
  }
  return -1;
}

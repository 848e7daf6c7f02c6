// Size floor: the byte exchange alone. guard-only.ts minus this module is the guard's size.
import { inputBytes } from "../host-io";

export { input, output_ptr, output_len } from "../host-io";

export function touch(): i32 {
  return inputBytes().byteLength;
}

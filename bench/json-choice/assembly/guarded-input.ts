// The optional pre-validation step every harness runs before its library sees the input, so the
// runner can measure each library with and without the guard in the same module.
import { inputBytes, setOutput } from "./host-io";
import { DEFAULT_MAX_DEPTH, findJsonSyntaxError } from "./guard";

let guardEnabled = false;

/** Runner switch: 1 = check every input with the guard before parsing it, 0 = hand it over as is. */
export function set_guard(on: i32): void {
  guardEnabled = on != 0;
}

/** Status a workload returns when the guard refused its input (the reason is in the output). */
export const REJECTED: i32 = -2;
/** Status a workload returns when its input is JSON of the wrong shape (the reason is in the output). */
export const WRONG_SHAPE: i32 = -3;

/** True when the guard is on and the input is not well-formed JSON; publishes the reason. */
export function rejectedByGuard(): bool {
  if (!guardEnabled) return false;
  const bytes = inputBytes();
  // Every workload expects an object, so the guard also refuses other top-level values.
  const error = findJsonSyntaxError(changetype<usize>(bytes), bytes.byteLength, DEFAULT_MAX_DEPTH, true);
  if (error === null) return false;
  setOutput("rejected: " + error.toString());
  return true;
}

/** Runs only the guard over the input `iterations` times: its cost on its own. */
export function guard_only(iterations: i32): i32 {
  const bytes = inputBytes();
  let valid = 0;
  for (let i = 0; i < iterations; i++) {
    if (findJsonSyntaxError(changetype<usize>(bytes), bytes.byteLength, DEFAULT_MAX_DEPTH, true) === null) valid++;
  }
  return valid;
}

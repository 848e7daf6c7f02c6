// Test-only: the abort every AssemblyScript test harness links (`--use abort=abort_proc_exit`, the
// project's asc options). It hands the message and place to the host's `harness.abort` import, which
// the test turns into a JS error, then traps. A harness imports this file for its side effect.
// @ts-ignore: decorator
@external("harness", "abort")
declare function hostAbort(message: usize, fileName: usize, line: u32, column: u32): void;

// @ts-ignore: decorator
@global
export function abort_proc_exit(message: string | null, fileName: string | null, line: u32, column: u32): void {
  hostAbort(changetype<usize>(message), changetype<usize>(fileName), line, column);
  unreachable();
}

// Test-only: the abort (`--use abort=abort_proc_exit`, the project's asc options) for harnesses and size
// probes that need no message: trap, with no host import, so a module links nothing beyond what it
// tests. A harness imports this file for its side effect; abort-to-host.ts is the variant that reports.
// @ts-ignore: decorator
@global
export function abort_proc_exit(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}

// Target of `--use abort=abort_proc_exit` for the size probes: trap, with no host import, so the
// probes differ only by what they link from the match library.
// @ts-ignore: decorator
@global
export function abort_proc_exit(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}

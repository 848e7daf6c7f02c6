// What a scenario observed, as `key=value` lines under a `report <name>` heading. Tests parse it from a
// local reply body or from a log line (test/host/support/conformance.ts). Values never contain a
// newline: binary values are reported in hex.
import { Result } from "./abi";
import { Got, info, sendLocalResponse } from "./calls";
import { hex, pairs } from "./mem";

export class Report {
  private lines: string[] = [];

  constructor(readonly name: string) {}

  set(key: string, value: string): Report {
    this.lines.push(key + "=" + value);
    return this;
  }

  /** A bare result code. */
  code(key: string, result: u32): Report {
    return this.set(key, result.toString());
  }

  /** A result code, and the returned bytes as text when the call succeeded. */
  text(key: string, got: Got): Report {
    this.code(key, got.result);
    if (got.ok) this.set(key + ".value", got.str());
    return this;
  }

  /** A result code, and the returned bytes in hex when the call succeeded. */
  binary(key: string, got: Got): Report {
    this.code(key, got.result);
    if (got.ok) this.set(key + ".hex", hex(got.bytes));
    return this;
  }

  /** A result code, and the returned number when the call succeeded. */
  number(key: string, got: Got): Report {
    this.code(key, got.result);
    if (got.ok) this.set(key + ".num", got.num.toString());
    return this;
  }

  render(): string {
    return "report " + this.name + "\n" + this.lines.join("\n");
  }

  /** Logs the report at info level. */
  log(): void {
    info(this.render());
  }

  /** Answers the stream with the report as a 200 local reply. Returns the send result. */
  reply(): u32 {
    const r = sendLocalResponse(200, "conformance_report", this.render(), pairs([], []), -1);
    if (r != Result.Ok) this.log();
    return r;
  }
}

// Collects the runner's findings as Markdown: printed as it goes and saved at the end.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class Report {
  private lines: string[] = [];

  heading(text: string): void {
    this.say(`\n## ${text}\n`);
  }

  say(text: string): void {
    this.lines.push(text);
    console.log(text);
  }

  table(headers: string[], rows: (string | number)[][]): void {
    const escape = (cell: string | number) => visible(String(cell)).replaceAll("|", "\\|");
    this.say(
      [
        `| ${headers.map(escape).join(" | ")} |`,
        `|${headers.map(() => "---").join("|")}|`,
        ...rows.map((row) => `| ${row.map(escape).join(" | ")} |`),
      ].join("\n"),
    );
  }

  save(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.lines.join("\n") + "\n");
  }
}

/** Control characters spelled out (`\n`, `\x01`), so raw ones in library output stay visible. */
export function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) =>
    c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
}

/** Shortens long cell text (trap messages, outputs) so tables stay readable. */
export function clip(text: string, max = 70): string {
  const oneLine = visible(text);
  return oneLine.length > max ? oneLine.slice(0, max - 1) + "…" : oneLine;
}

/** Nanoseconds with thousands separators, e.g. 12 345. */
export function ns(value: number): string {
  return Math.round(value).toLocaleString("en-US").replaceAll(",", " ");
}

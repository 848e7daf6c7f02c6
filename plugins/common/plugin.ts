// The shape every plugin of the suite shares: a root context that reads, validates and keeps the
// configuration (refusing a bad one at configure time with a log line naming the field), and a
// per-request context that asks the root which config applies to its request.
import { RootContext } from "@solo-io/proxy-runtime";
import { Fields, parseObject, Problems } from "./config";
import { BufferType, getBufferBytes } from "./host";
import * as log from "./log";
import { RequestFacts, RuleSet } from "./rules";

export abstract class PluginRoot<C> extends RootContext {
  /** The parsed configuration; set once configure succeeded. */
  rules: RuleSet<C> | null = null;

  constructor(context_id: u32, readonly pluginName: string) {
    super(context_id);
  }

  /** Builds the rule set from the configuration root, recording problems in `root.problems`. */
  abstract parse(root: Fields): RuleSet<C> | null;

  /** Field names the plugin knows at the top level and in rules (for the unknown-field warning). */
  abstract knownFields(): string[];

  /**
   * Called for an empty configuration. Higress's C++ plugins treat it as "plugin off": the default
   * answers with no rules and no global config, so every request passes untouched.
   */
  parseEmpty(problems: Problems): RuleSet<C> | null {
    return new RuleSet<C>(null, []);
  }

  onConfigure(configuration_size: u32): bool {
    const problems = new Problems();
    let rules: RuleSet<C> | null = null;
    if (configuration_size == 0) {
      rules = this.parseEmpty(problems);
    } else {
      const data = getBufferBytes(BufferType.PluginConfiguration, 0, configuration_size);
      const obj = parseObject(data, problems);
      if (obj !== null) {
        const root = new Fields(obj, "", problems);
        rules = this.parse(root);
        if (!problems.failed) this.warnUnknown(root);
      }
    }
    if (problems.failed || rules === null) {
      // The message names the field; it never echoes values, which may be secrets.
      log.error(this.pluginName + ": invalid configuration: " + (problems.failed ? problems.message : "rejected"));
      return false;
    }
    this.rules = rules;
    return true;
  }

  private warnUnknown(root: Fields): void {
    const known = this.knownFields();
    let unknown = root.unknownKeys(known, "");
    const rules = root.objects("_rules_");
    if (rules !== null) for (let i = 0; i < rules.length; i++) unknown = rules[i].unknownKeys(known, unknown);
    if (unknown.length) log.warn(this.pluginName + ": ignoring unknown configuration field(s): " + unknown);
  }
}

/** A per-request context bound to its plugin root; rule matching reads the request's facts from it. */
export class PluginContext<R> extends RequestFacts {
  readonly plugin: R;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
    this.plugin = changetype<R>(root);
  }

  // proxy-runtime's defaults build debug strings; these callbacks have nothing to do by default.
  onLog(): void {}
  onDone(): bool {
    return true;
  }
  onDelete(): void {}
}

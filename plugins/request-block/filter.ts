// request-block per request: the :path against exact, regular-expression and substring rules, the
// headers against header rules, and (when body rules exist) the whole request body, buffered up to
// `max_body_bytes`. Each check also runs on the percent-decoded / JSON-unescaped form of what it reads.
import { FilterDataStatusValues, FilterHeadersStatusValues, FilterTrailersStatusValues, RootContext } from "@solo-io/proxy-runtime";
import { Fields } from "../common/config";
import { BufferType, getBufferBytes, MapType, peekHeader, peekHeaderPairs } from "../common/host";
import { Regex } from "../common/match/index";
import { PluginContext, PluginRoot } from "../common/plugin";
import { Reply } from "../common/reply";
import { hasGlobalFields, parseRules, RuleSet } from "../common/rules";
import { hasPercent, percentDecode } from "../common/url";
import { BlockConfig, KNOWN_FIELDS, NOTHING_TO_BLOCK, Oversize, parseBlock } from "./config";
import { decodedVariants } from "./decode";
import { BODY_TOO_LARGE } from "./replies";

const PATH = String.UTF8.encode(":path");

export class RequestBlockRoot extends PluginRoot<BlockConfig> {
  constructor(context_id: u32) {
    super(context_id, "request-block");
  }

  knownFields(): string[] {
    return KNOWN_FIELDS;
  }

  parse(root: Fields): RuleSet<BlockConfig> | null {
    const global = hasGlobalFields(root.obj) ? parseBlock(root) : null;
    if (root.problems.failed) return null;
    const rules = parseRules<BlockConfig>(root, false, (f: Fields): BlockConfig | null => parseBlock(f));
    if (root.problems.failed) return null;
    // `{}` would block nothing anywhere; Higress refuses it too. (An empty configuration turns the
    // plugin off, and `_rules_: []` is a deliberate "nothing yet".)
    if (global === null && !root.has("_rules_")) {
      root.fail("block_urls", NOTHING_TO_BLOCK);
      return null;
    }
    return new RuleSet<BlockConfig>(global, rules);
  }

  createContext(context_id: u32): RequestBlockContext {
    return new RequestBlockContext(context_id, this);
  }
}

function urlBlocked(c: BlockConfig, path: ArrayBuffer): bool {
  const ptr = changetype<usize>(path);
  const exact = c.exact;
  if (exact !== null && exact.fullMatchRaw(ptr, path.byteLength)) return true;
  for (let i = 0; i < c.regexes.length; i++) if (c.regexes[i].fullMatchRaw(ptr, path.byteLength)) return true;
  const needles = c.urlNeedles;
  return needles !== null && needles.searchRaw(ptr, path.byteLength);
}

function textBlocked(needles: Regex, data: ArrayBuffer): bool {
  if (needles.searchRaw(changetype<usize>(data), data.byteLength)) return true;
  const variants = decodedVariants(data);
  for (let i = 0; i < variants.length; i++) {
    if (needles.searchRaw(changetype<usize>(variants[i]), variants[i].byteLength)) return true;
  }
  return false;
}

export class RequestBlockContext extends PluginContext<RequestBlockRoot> {
  private config: BlockConfig | null = null;
  private inspecting: bool = false;

  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  onRequestHeaders(_headers: u32, end_of_stream: bool): FilterHeadersStatusValues {
    const c = this.plugin.rules!.select(this);
    if (c === null) return FilterHeadersStatusValues.Continue;
    this.config = c;

    if (c.exact !== null || c.regexes.length || c.urlNeedles !== null) {
      // On loan: only matched here (a percent-decoded copy is made when needed).
      const path = peekHeader(MapType.RequestHeaders, PATH);
      if (path !== null) {
        let hit = urlBlocked(c, path);
        if (!hit && hasPercent(changetype<usize>(path), path.byteLength)) {
          hit = urlBlocked(c, percentDecode(changetype<usize>(path), path.byteLength));
        }
        if (hit) return this.block(c.replies.url);
      }
    }
    const headerNeedles = c.headerNeedles;
    if (headerNeedles !== null && this.headersBlocked(headerNeedles)) return this.block(c.replies.header);
    // Body rules need the whole body; headers go on (holding them would stop Envoy from delivering
    // the body to us at all) and the body is held until it has been checked.
    this.inspecting = c.bodyNeedles !== null && !end_of_stream;
    return FilterHeadersStatusValues.Continue;
  }

  /** Header rules match inside one header name or one value, as Higress's C++ plugin does. */
  private headersBlocked(needles: Regex): bool {
    // On loan: searched once and dropped (the :path read before it is no longer used).
    const pairs = peekHeaderPairs(MapType.RequestHeaders);
    if (pairs.byteLength < 4) return false;
    const base = changetype<usize>(pairs);
    const count = load<u32>(base);
    const dataStart = 4 + <i32>count * 8;
    if (dataStart > pairs.byteLength) return false;
    // The pairs encoding ends every name and value with NUL: a needle (which has no NUL) cannot
    // match across a boundary, so one pass over the data region checks each name and value.
    return needles.searchRaw(base + <usize>dataStart, pairs.byteLength - dataStart);
  }

  onRequestBody(body_buffer_length: usize, end_of_stream: bool): FilterDataStatusValues {
    if (!this.inspecting) return FilterDataStatusValues.Continue;
    const c = this.config!;
    if (<u32>body_buffer_length > c.maxBodyBytes) {
      // The first max_body_bytes are still inspected: a match there blocks whatever oversize_body says.
      if (this.checkBody(c.maxBodyBytes)) return FilterDataStatusValues.StopIterationNoBuffer;
      if (c.oversize == Oversize.Block) {
        BODY_TOO_LARGE.send();
        return FilterDataStatusValues.StopIterationNoBuffer;
      }
      return FilterDataStatusValues.Continue; // the rest passes uninspected, as in Higress
    }
    if (!end_of_stream) return FilterDataStatusValues.StopIterationAndBuffer;
    return this.checkBody(<u32>body_buffer_length) ? FilterDataStatusValues.StopIterationNoBuffer : FilterDataStatusValues.Continue;
  }

  onRequestTrailers(_trailers: u32): FilterTrailersStatusValues {
    // The body ended without end_of_stream on a data frame: check what was buffered now.
    if (!this.inspecting) return FilterTrailersStatusValues.Continue;
    return this.checkBody(0xffffffff) ? FilterTrailersStatusValues.StopIteration : FilterTrailersStatusValues.Continue;
  }

  /** Checks the buffered body; true (and replied) when it is blocked. */
  private checkBody(size: u32): bool {
    this.inspecting = false;
    const body = getBufferBytes(BufferType.RequestBody, 0, size);
    if (textBlocked(this.config!.bodyNeedles!, body)) {
      this.block(this.config!.replies.body);
      return true;
    }
    return false;
  }

  private block(reply: Reply): FilterHeadersStatusValues {
    reply.send();
    return FilterHeadersStatusValues.StopIteration;
  }
}

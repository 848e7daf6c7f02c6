// Model lists of providers that do not speak OpenAI → OpenAI's list,
// `{"object":"list","data":[{"id","object":"model","created","owned_by"}]}`, for OpenAI clients
// (`client.models.list()`). Anthropic's `{data:[{type,id,display_name,created_at}],has_more,…}` gives
// the id and, from its RFC 3339 `created_at`, `created`; Gemini's `{models:[{name:"models/…",…}],
// nextPageToken}` gives the id without "models/" and no creation time (`created` 0: the SDKs read the
// list without checking it, and typed clients still find the member). OpenAI's list has no pages, so
// the request asks for the provider's largest page (Provider.openAiModelListPath).
import { JSON, JsonWriter } from "../../common/json-writer";
import { ResponseTranslator } from "../providers/provider";
import { SseEvent, SseWriter } from "../sse";
import { parseJson } from "../usage";
import { objects, strOf } from "./openai-response";

/** One model of the provider's list, as OpenAI names it; an empty id skips the entry. */
class ListedModel {
  id: string = "";
  created: i64 = 0;
}

abstract class ModelListToOpenAi extends ResponseTranslator {
  /** `owner`: OpenAI's owned_by for every model; `itemsKey`: the member holding the provider's models. */
  constructor(private readonly owner: string, private readonly itemsKey: string) {
    super();
  }

  /** Reads one model into `into`. */
  protected abstract read(model: JSON.Obj, into: ListedModel): void;

  body(body: ArrayBuffer, status: u32): ArrayBuffer {
    if (status >= 300) return body;
    const doc = parseJson(body);
    if (doc === null || !doc.isObj) return body;
    const models = objects((<JSON.Obj>doc).getArr(this.itemsKey));
    const w = new JsonWriter(64 + models.length * 96);
    w.ascii('{"object":"list","data":[');
    const m = new ListedModel();
    let written = 0;
    for (let i = 0; i < models.length; i++) {
      m.id = "";
      m.created = 0;
      this.read(models[i], m);
      if (m.id.length == 0) continue;
      if (written++) w.byte(0x2c);
      w.ascii('{"id":').string(m.id).ascii(',"object":"model","created":').integer(m.created).ascii(',"owned_by":').string(this.owner).byte(0x7d);
    }
    w.ascii("]}");
    return w.toBuffer();
  }

  event(_ev: SseEvent, _out: SseWriter): void {}

  end(_out: SseWriter): void {}
}

/** Anthropic's GET /v1/models. */
export class ClaudeModelsToOpenAi extends ModelListToOpenAi {
  constructor() {
    super("anthropic", "data");
  }

  protected read(model: JSON.Obj, into: ListedModel): void {
    into.id = strOf(model, "id");
    into.created = rfc3339Seconds(strOf(model, "created_at"));
  }
}

/** Gemini's GET /{apiVersion}/models. */
export class GeminiModelsToOpenAi extends ModelListToOpenAi {
  constructor() {
    super("google", "models");
  }

  protected read(model: JSON.Obj, into: ListedModel): void {
    const name = strOf(model, "name");
    into.id = name.startsWith("models/") ? name.substring(7) : name;
  }
}

/** The decimal number of `count` digits at `at` in `s`, or -1 when they are not all digits. */
function digits(s: string, at: i32, count: i32): i32 {
  if (at + count > s.length) return -1;
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (<u32>d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * Seconds since 1970 of an RFC 3339 date-time ("2025-02-19T00:00:00Z"; a fraction and a ±hh:mm offset
 * are allowed); 0 when the text is not one, as OpenAI lists a model whose creation time is unknown.
 */
export function rfc3339Seconds(s: string): i64 {
  const year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  const hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return 0;
  if (s.charCodeAt(4) != 0x2d || s.charCodeAt(7) != 0x2d || (s.charCodeAt(10) | 0x20) != 0x74 || s.charCodeAt(13) != 0x3a || s.charCodeAt(16) != 0x3a) return 0;
  let i = 19;
  if (i < s.length && s.charCodeAt(i) == 0x2e) {
    i++;
    while (i < s.length && <u32>(s.charCodeAt(i) - 0x30) < 10) i++;
  }
  let offset: i64 = 0;
  const zone = i < s.length ? s.charCodeAt(i) : -1;
  if ((zone | 0x20) == 0x7a && i + 1 == s.length) offset = 0;
  else if ((zone == 0x2b || zone == 0x2d) && i + 6 == s.length && s.charCodeAt(i + 3) == 0x3a) {
    const h = digits(s, i + 1, 2), m = digits(s, i + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59) return 0;
    offset = <i64>(h * 3600 + m * 60) * (zone == 0x2b ? 1 : -1);
  } else return 0;
  return daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second) - offset;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (years 0-9999). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  // Years counted from March, so the leap day ends the year; 400-year eras of 146097 days.
  const y = month <= 2 ? year - 1 : year;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yearOfEra = y - era * 400;
  const dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return <i64>era * 146097 + <i64>dayOfEra - 719468;
}

// Local replies from one place: each plugin keeps a catalogue of its replies (status, body, headers,
// and a `<plugin>.<reason>` detail code that shows up in access logs as Envoy's response code details).
// A reply is encoded when it is made, so sending it encodes and allocates nothing: plugins make theirs
// at module start or configure time, and some (401s under a credential-stuffing run) are sent often.
import { encodePairs, sendEncodedReply } from "./host";

export class Reply {
  readonly body: ArrayBuffer;
  private readonly detailBytes: ArrayBuffer;
  private readonly headerPairs: ArrayBuffer;

  constructor(readonly status: u32, details: string, body: string = "", headers: string[] = []) {
    this.body = String.UTF8.encode(body);
    this.detailBytes = String.UTF8.encode(details);
    this.headerPairs = encodePairs(headers);
  }

  send(): void {
    sendEncodedReply(this.status, this.detailBytes, this.body, this.headerPairs);
  }
}

/** The header carrying the authenticated consumer, as Higress names it. */
export const CONSUMER_HEADER = String.UTF8.encode("x-mse-consumer");

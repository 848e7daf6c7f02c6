// Local replies from one place: each plugin keeps a catalogue of its replies (status, body, headers,
// and a `<plugin>.<reason>` detail code that shows up in access logs as Envoy's response code details).
import { sendLocalReply } from "./host";

export class Reply {
  readonly body: ArrayBuffer;
  constructor(readonly status: u32, readonly details: string, body: string = "", readonly headers: string[] = []) {
    this.body = String.UTF8.encode(body);
  }

  send(): void {
    sendLocalReply(this.status, this.details, this.body, this.headers);
  }

  /** The same reply with another body (e.g. a configured message). */
  withBody(body: string): Reply {
    return new Reply(this.status, this.details, body, this.headers);
  }
}

/** The header carrying the authenticated consumer, as Higress names it. */
export const CONSUMER_HEADER = String.UTF8.encode("x-mse-consumer");

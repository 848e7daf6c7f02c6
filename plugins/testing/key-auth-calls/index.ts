// A bench reference (`make bench`, row as-key-auth-calls): the SDK floor plus exactly the three host
// calls of key-auth's allowed path, made the way key-auth makes them (route name and key header read
// on loan, x-mse-consumer replaced), with no configuration and no logic. Between the SDK floor and
// key-auth/allowed it separates what those calls cost from what key-auth's own work costs.
export * from "@solo-io/proxy-runtime/proxy";
import { Context, FilterHeadersStatusValues, registerRootContext, RootContext } from "@solo-io/proxy-runtime";
import { MapType, peekHeader, peekProperty, replaceHeader } from "../../common/host";
import { CONSUMER_HEADER } from "../../common/reply";

const ROUTE_NAME = String.UTF8.encode("route_name");
const KEY_HEADER = String.UTF8.encode("x-api-key");
const CONSUMER = String.UTF8.encode("consumer-3");

class CallsContext extends Context {
  constructor(context_id: u32, root: RootContext) {
    super(context_id, root);
  }

  onRequestHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    // The values are only checked for presence, so the row cannot measure a call that failed.
    const route = peekProperty(ROUTE_NAME);
    const key = peekHeader(MapType.RequestHeaders, KEY_HEADER);
    if (route !== null && key !== null) replaceHeader(MapType.RequestHeaders, CONSUMER_HEADER, CONSUMER);
    return FilterHeadersStatusValues.Continue;
  }
}

class CallsRoot extends RootContext {
  createContext(context_id: u32): Context {
    return new CallsContext(context_id, this);
  }
}

registerRootContext((context_id: u32) => new CallsRoot(context_id), "key-auth-calls");

// Workflow histories to and from Temporal's JSON history format (what `temporal workflow show
// --output json` prints and the SDK's `historyToJSON`/`historyFromJSON` read and write).
//
// Why not the SDK's own functions: `@temporalio/common/lib/proto-utils` checks the message type
// with `instanceof` against the protobufjs it resolves itself, while the types come from
// `@temporalio/proto`, built with the protobufjs *it* resolves. When npm installs two copies (as
// here: a protobufjs 7 hoisted for grpc, and one 8.x under each of common and proto), every call
// fails with "TypeError: type must be a Type", and so does `Worker.runReplayHistory` given JSON.
// Using the protobufjs that `@temporalio/proto` itself loads gives the same output either way.
import { createRequire } from 'node:module';
import type { History } from '@temporalio/common/lib/proto-utils.js';

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

const requireFromCommon = createRequire(createRequire(import.meta.url).resolve('@temporalio/common'));
const requireFromProto = createRequire(requireFromCommon.resolve('@temporalio/proto'));
const proto = requireFromCommon('@temporalio/proto');
const { toJson, fromJson } = requireFromProto('protobufjs/ext/protojson') as ProtoJson;
const historyType = proto.lookupType('temporal.api.history.v1.History');

/** The history as Temporal's JSON history format, indented like the SDK's `historyToJSON`. */
export function historyToJson(history: History): string {
  return JSON.stringify(toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** A history in Temporal's JSON format (event types spelled `EVENT_TYPE_…`) as the SDK's History. */
export function historyFromJson(json: unknown): History {
  const history = fromJson(historyType, json, { ignoreUnknownFields: true });
  if (!history) throw new TypeError('Invalid history');
  return history as History;
}

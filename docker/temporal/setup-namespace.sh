#!/bin/sh
# One-shot job (temporalio/admin-tools): once the server answers, makes sure the namespace exists
# and has the custom search attributes every conversation workflow sets. Keep the list in step
# with src/shared/search-attributes.ts (test/docker-stack.test.ts checks it).
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-14d}
SEARCH_ATTRIBUTES="BusinessNumber=Keyword CustomerNumber=Keyword ConversationStatus=Keyword AssignedAgent=Keyword NeedsAttention=Bool LastDeliveryFailure=Datetime WaitingSince=Datetime SlaBreached=Bool"

attempt=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 60 ] || { echo "Temporal at $ADDRESS did not become healthy" >&2; exit 1; }
  echo "waiting for Temporal at $ADDRESS ($attempt)"
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS"
fi

for attribute in $SEARCH_ATTRIBUTES; do
  name=${attribute%%=*}
  type=${attribute#*=}
  if ! temporal operator search-attribute create --namespace "$NAMESPACE" --address "$ADDRESS" --name "$name" --type "$type" 2>/dev/null; then
    # Already there from an earlier run is fine; anything else is not.
    temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" | grep -qw "$name" \
      || { echo "could not create search attribute $name ($type)" >&2; exit 1; }
  fi
done
echo "namespace $NAMESPACE is ready with search attributes: $SEARCH_ATTRIBUTES"

"""Schemathesis hooks for the contract run (test/contract/openapi-fuzz.contract.ts).

- Twilio webhooks: a request that carries X-Twilio-Signature gets a valid one, computed as Twilio
  does (HMAC-SHA1 of the public URL followed by the sorted POST parameters), so the fuzzer gets
  past the signature check and exercises the handlers. A request without the header is left
  without it (403 missing_signature is then the right answer).
- The fuzzer's own agent is never passed to rotate-token: that would revoke the token the run
  uses, and every later request would get 401 (it reuses ids it saw in answers, such as
  GET /api/agents/me). Other agents' tokens are fair game.
"""

import base64
import hashlib
import hmac
import os
import uuid
from urllib.parse import parse_qsl

import requests
import schemathesis

BASE_URL = os.environ["CONTRACT_BASE_URL"]
AUTH_TOKEN = os.environ["CONTRACT_TWILIO_AUTH_TOKEN"]
OWN_AGENT_ID = os.environ["CONTRACT_AGENT_ID"]
SIGNATURE = "X-Twilio-Signature"


def twilio_signature(url: str, form: str) -> str:
    """twilio-node's getExpectedTwilioSignature over the parameters the server will parse."""
    values: dict[str, list[str]] = {}
    for key, value in parse_qsl(form, keep_blank_values=True):
        values.setdefault(key, []).append(value)
    data = url
    for key in sorted(values):
        # Repeated keys: twilio-node signs each distinct value once, sorted.
        for value in sorted(set(values[key])):
            data += key + value
    digest = hmac.new(AUTH_TOKEN.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def encoded_form(body) -> str:
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, str):
        return body
    if not isinstance(body, (dict, list)):
        return ""  # no body at all
    prepared = requests.Request("POST", BASE_URL, data=body).prepare()
    raw = prepared.body or ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if path.startswith("/api/webhooks/twilio/") and case.headers and SIGNATURE in case.headers:
        case.headers[SIGNATURE] = twilio_signature(BASE_URL + case.formatted_path, encoded_form(case.body))
    if path == "/api/agents/{id}/rotate-token" and (case.path_parameters or {}).get("id") == OWN_AGENT_ID:
        case.path_parameters["id"] = str(uuid.uuid4())

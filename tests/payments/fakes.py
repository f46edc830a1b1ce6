"""Local fake Stripe and PayPal servers answering like the providers, over real HTTP.

Each server keeps the refunds it made and the answers it saved per idempotency key (Stripe's
`Idempotency-Key`, PayPal's `PayPal-Request-Id`): a repeated key replays the saved answer, as
the providers do. `script` is a queue of behaviours for the next create requests:

- "succeeded", "pending", "requires_action", "canceled": a refund made with that status;
- "failed:<reason>": a refund made with status failed and that failure reason;
- "decline:<code>" (Stripe 402 card_error / PayPal 422 with that issue);
- "error500": a 500 that saves nothing (the next try may succeed);
- "in_progress": Stripe 409 idempotency_key_in_use / PayPal 409 PREVIOUS_REQUEST_IN_PROGRESS;
- "timeout": the refund is made and saved, but the answer comes after the client gave up.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

_ids = itertools.count(1)


class FakeProvider:
    def __init__(self, handler_class):
        self.refunds: dict[str, dict] = {}
        self.saved: dict[str, tuple[int, dict]] = {}
        self.script: deque[str] = deque()
        self.requests: list[dict] = []
        self.timeout_sleep = 1.5
        self.lock = threading.Lock()
        provider = self

        class Handler(handler_class):
            fake = provider

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def next_behaviour(self, default: str = "succeeded") -> str:
        with self.lock:
            return self.script.popleft() if self.script else default

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Base(BaseHTTPRequestHandler):
    fake: FakeProvider

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: dict) -> None:
        raw = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


class StripeHandler(_Base):
    def do_POST(self) -> None:
        path = urlparse(self.path).path
        form = {key: values[0] for key, values in parse_qs(self._body().decode()).items()}
        key = self.headers.get("Idempotency-Key", "")
        self.fake.requests.append({"path": path, "form": form, "key": key})
        if path.startswith("/v1/refunds/") and path.endswith("/cancel"):
            refund = self.fake.refunds.get(path.split("/")[3])
            if refund is None or refund["status"] != "requires_action":
                self._send(
                    400,
                    {"error": {"type": "invalid_request_error", "code": "refund_not_cancelable"}},
                )
                return
            refund["status"] = "canceled"
            self._send(200, refund)
            return
        if path != "/v1/refunds":
            self._send(
                404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            )
            return
        with self.fake.lock:
            saved = self.fake.saved.get(key)
        if saved:
            self._send(*saved)
            return
        behaviour = self.fake.next_behaviour()
        if behaviour == "error500":
            self._send(500, {"error": {"type": "api_error", "message": "Internal error"}})
            return
        if behaviour == "in_progress":
            self._send(
                409,
                {
                    "error": {
                        "type": "idempotency_error",
                        "code": "idempotency_key_in_use",
                        "message": "in use",
                    }
                },
            )
            return
        if behaviour.startswith("decline:"):
            code = behaviour.split(":", 1)[1]
            answer = (402, {"error": {"type": "card_error", "code": code, "message": code}})
            with self.fake.lock:
                self.fake.saved[key] = answer
            self._send(*answer)
            return
        status, _, reason = behaviour.partition(":")
        if status == "timeout":
            status = "succeeded"
        refund = {
            "id": f"re_{next(_ids):08d}",
            "object": "refund",
            "amount": int(form["amount"]),
            "currency": "eur",
            "charge": form.get("charge"),
            "payment_intent": form.get("payment_intent"),
            "status": status,
            "failure_reason": reason or None,
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            },
            "created": int(time.time()),
        }
        answer = (200, refund)
        with self.fake.lock:
            self.fake.refunds[refund["id"]] = refund
            self.fake.saved[key] = answer
        if behaviour == "timeout":
            time.sleep(self.fake.timeout_sleep)
        self._send(*answer)

    def do_GET(self) -> None:
        parsed = urlparse(self.path)
        if parsed.path == "/v1/refunds":
            data = sorted(self.fake.refunds.values(), key=lambda r: r["id"])
            self._send(
                200, {"object": "list", "data": data, "has_more": False, "url": "/v1/refunds"}
            )
            return
        refund_id = parsed.path.rsplit("/", 1)[-1]
        refund = self.fake.refunds.get(refund_id)
        if refund is None:
            self._send(
                404, {"error": {"type": "invalid_request_error", "code": "resource_missing"}}
            )
        else:
            self._send(200, refund)


class PayPalHandler(_Base):
    def do_POST(self) -> None:
        path = urlparse(self.path).path
        body = self._body()
        if path == "/v1/oauth2/token":
            self._send(
                200, {"access_token": "A21-fake", "token_type": "Bearer", "expires_in": 3600}
            )
            return
        if path == "/v1/notifications/verify-webhook-signature":
            data = json.loads(body or b"{}")
            ok = (
                data.get("transmission_sig") == "good-signature"
                and data.get("webhook_id") == "WH-1"
            )
            self._send(200, {"verification_status": "SUCCESS" if ok else "FAILURE"})
            return
        if not (path.startswith("/v2/payments/captures/") and path.endswith("/refund")):
            self._send(404, {"name": "RESOURCE_NOT_FOUND"})
            return
        if self.headers.get("Authorization") != "Bearer A21-fake":
            self._send(401, {"name": "AUTHENTICATION_FAILURE"})
            return
        key = self.headers.get("PayPal-Request-Id", "")
        data = json.loads(body or b"{}")
        self.fake.requests.append({"path": path, "body": data, "key": key})
        with self.fake.lock:
            saved = self.fake.saved.get(key)
        if saved:
            # PayPal returns the latest status of the earlier request.
            refund = self.fake.refunds.get(saved[1].get("id", ""), saved[1])
            self._send(saved[0], refund)
            return
        behaviour = self.fake.next_behaviour("COMPLETED")
        if behaviour == "error500":
            self._send(
                500,
                {"name": "INTERNAL_SERVER_ERROR", "message": "An internal server error occurred."},
            )
            return
        if behaviour == "in_progress":
            self._send(
                409,
                {
                    "name": "RESOURCE_CONFLICT",
                    "details": [{"issue": "PREVIOUS_REQUEST_IN_PROGRESS"}],
                },
            )
            return
        if behaviour.startswith("decline:"):
            issue = behaviour.split(":", 1)[1]
            answer = (
                422,
                {
                    "name": "UNPROCESSABLE_ENTITY",
                    "details": [{"issue": issue, "description": issue}],
                },
            )
            with self.fake.lock:
                self.fake.saved[key] = answer
            self._send(*answer)
            return
        status = "COMPLETED" if behaviour == "timeout" else behaviour.upper()
        refund = {
            "id": f"PP{next(_ids):010d}",
            "status": status,
            "amount": data.get("amount"),
            "custom_id": data.get("custom_id"),
        }
        if status == "FAILED":
            refund["status_details"] = {"reason": "ECHECK"}
        answer = (201, refund)
        with self.fake.lock:
            self.fake.refunds[refund["id"]] = refund
            self.fake.saved[key] = answer
        if behaviour == "timeout":
            time.sleep(self.fake.timeout_sleep)
        self._send(*answer)

    def do_GET(self) -> None:
        refund_id = urlparse(self.path).path.rsplit("/", 1)[-1]
        refund = self.fake.refunds.get(refund_id)
        if refund is None:
            self._send(404, {"name": "RESOURCE_NOT_FOUND"})
        else:
            self._send(200, refund)

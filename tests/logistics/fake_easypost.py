"""A local fake of EasyPost's REST API (v2), enough for shipments, rates, buy, refund and
trackers, answering with EasyPost's JSON shapes; it can fail on demand (422, 500, time-out)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RATES = [
    ("USPS", "GroundAdvantage", "5.99", 4),
    ("USPS", "Priority", "9.35", 2),
    ("UPS", "Ground", "11.20", 3),
]


class FakeEasyPost:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.shipments: dict[str, dict] = {}
        self.failures: list[tuple[str, Any]] = []  # (path fragment, status | "timeout")
        self.delay = 0.0
        self._ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                fake.requests.append(
                    {
                        "method": method,
                        "path": self.path,
                        "body": body,
                        "authorization": self.headers.get("Authorization", ""),
                    }
                )
                for index, (fragment, outcome) in enumerate(fake.failures):
                    if fragment in self.path:
                        del fake.failures[index]
                        if outcome == "timeout":
                            time.sleep(3)
                            return self._send(504, {"error": {"code": "TIMEOUT"}})
                        return self._send(outcome, fake.error_body(outcome))
                status, answer = fake.route(method, self.path.split("?")[0], body)
                self._send(status, answer)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v2"

    def start(self) -> FakeEasyPost:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail(self, fragment: str, outcome: Any) -> None:
        self.failures.append((fragment, outcome))

    @staticmethod
    def error_body(status: int) -> dict:
        if status == 422:
            return {
                "error": {
                    "code": "ADDRESS.VERIFY.FAILURE",
                    "message": "Unable to verify address.",
                    "errors": [{"field": "street1", "message": "Address not found"}],
                }
            }
        return {"error": {"code": "INTERNAL_SERVER_ERROR", "message": "Something went wrong."}}

    def _id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._ids):08x}"

    def route(self, method: str, path: str, body: dict) -> tuple[int, dict]:
        parts = [part for part in path.split("/") if part][1:]  # drop "v2"
        if method == "POST" and parts == ["shipments"]:
            return 201, self.create_shipment(body.get("shipment", body))
        if method == "POST" and len(parts) == 3 and parts[0] == "shipments":
            shipment = self.shipments.get(parts[1])
            if shipment is None:
                return 404, {"error": {"code": "NOT_FOUND", "message": "not found"}}
            if parts[2] == "buy":
                return 200, self.buy(shipment, body)
            if parts[2] == "refund":
                shipment["refund_status"] = "submitted"
                return 200, shipment
        if method == "GET" and len(parts) == 2 and parts[0] == "trackers":
            for shipment in self.shipments.values():
                tracker = shipment.get("tracker")
                if tracker and tracker["id"] == parts[1]:
                    return 200, tracker
            return 404, {"error": {"code": "NOT_FOUND", "message": "not found"}}
        return 404, {"error": {"code": "NOT_FOUND", "message": f"{method} {path}"}}

    def create_shipment(self, params: dict) -> dict:
        shipment_id = self._id("shp")
        shipment = {
            "id": shipment_id,
            "object": "Shipment",
            "mode": "test",
            "reference": params.get("reference"),
            "to_address": {"object": "Address", **params.get("to_address", {})},
            "from_address": {"object": "Address", **params.get("from_address", {})},
            "parcel": {"object": "Parcel", **params.get("parcel", {})},
            "customs_info": params.get("customs_info"),
            "rates": [
                {
                    "id": self._id("rate"),
                    "object": "Rate",
                    "carrier": carrier,
                    "service": service,
                    "rate": rate,
                    "currency": "USD",
                    "delivery_days": days,
                    "shipment_id": shipment_id,
                }
                for carrier, service, rate, days in RATES
            ],
            "selected_rate": None,
            "postage_label": None,
            "tracking_code": None,
            "tracker": None,
            "refund_status": None,
            "status": "unknown",
        }
        self.shipments[shipment_id] = shipment
        return shipment

    def buy(self, shipment: dict, body: dict) -> dict:
        rate_id = (body.get("rate") or {}).get("id")
        rate = next(rate for rate in shipment["rates"] if rate["id"] == rate_id)
        code = f"9400{next(self._ids):018d}"
        shipment.update(
            {
                "selected_rate": rate,
                "tracking_code": code,
                "postage_label": {
                    "object": "PostageLabel",
                    "label_url": f"https://easypost-files.example/{shipment['id']}.pdf",
                    "label_file_type": "application/pdf",
                },
                "tracker": {
                    "id": self._id("trk"),
                    "object": "Tracker",
                    "tracking_code": code,
                    "carrier": rate["carrier"],
                    "status": "pre_transit",
                    "status_detail": "label_created",
                    "tracking_details": [
                        {
                            "object": "TrackingDetail",
                            "status": "pre_transit",
                            "status_detail": "label_created",
                            "message": "Pre-Shipment Info Sent to USPS",
                            "datetime": "2026-11-22T08:00:00Z",
                            "tracking_location": {"city": None, "country": None},
                        }
                    ],
                },
            }
        )
        return shipment

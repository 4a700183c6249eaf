"""A fake Stripe API over HTTP, for driving the real `stripe` library in tests.

It serves the few endpoints the platform uses (Checkout Sessions, Express accounts and account
links, transfers and their reversals, refunds, PaymentIntents) the way Stripe does: form-encoded
params with nested `a[b][0][c]` keys, JSON objects with `id` and `object`, errors as
`{"error": {"type", "code", "message", "param"}}`, `Authorization: Bearer sk_test_...`, and the
same stored answer for a repeated `Idempotency-Key` (a 400 `idempotency_error` if the key comes
back with different params).

Idempotency: only successful answers are stored against a key. Injected faults (`fail_next`)
model failures before Stripe's endpoint ran (load balancer 5xx, rate limiter 429), so a retry with
the same key runs afresh. A request arriving while another with the same key is still being
processed gets a 409, as from Stripe. A delayed request (`delay_next`) is processed after the
delay, like a Stripe answer that arrives after the client gave up, so a later retry with the same
key gets the stored result and no second object.

Usage: see `tests/payouts/conftest.py` (the `fake_stripe` fixture) and `test_gateways.py`.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

DEFAULT_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request"),
    401: ("invalid_request_error", None, "Invalid API Key provided"),
    402: ("card_error", "card_declined", "Your card was declined."),
    403: ("invalid_request_error", "secret_key_required", "This API key cannot make this request."),
    404: ("invalid_request_error", "resource_missing", "No such object"),
    409: ("idempotency_error", None, "There is currently another in-progress request using this key."),
    429: ("invalid_request_error", "rate_limit", "Too many requests hit the API too quickly."),
}


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe would send: `t=<unix time>,v1=<HMAC-SHA256 hex>`."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    signed = f"{t}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def decode_params(query: str) -> dict[str, Any]:
    """Stripe's form encoding back to nested data: `a[b][0][c]=v` → `{"a": {"b": [{"c": "v"}]}}`.

    Values stay strings, as on the wire; `expand[]=x` style lists are supported.
    """
    root: dict[str, Any] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head] + (rest[:-1].split("][") if rest else [])
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part or str(len(node)), {})
        node[parts[-1] or str(len(node))] = value
    return _listify(root)


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


@dataclass
class RecordedRequest:
    """One request as the fake received it; `status` is filled in once answered."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    status: int | None = None
    replayed: bool = False


@dataclass
class _Fault:
    path_prefix: str
    method: str | None
    times: int
    status: int | None = None
    error: dict[str, Any] | None = None
    delay: float = 0.0


class _Saved(NamedTuple):
    """The answer stored for an idempotency key, with what it answered."""

    method: str
    path: str
    params: dict[str, Any]
    status: int
    body: dict[str, Any]


class FakeStripe:
    """The fake's state, keyed by id (dicts keep creation order), and its HTTP handler.

    Attach it to a running pytest-httpserver `HTTPServer`; it replaces that server's handlers.
    """

    def __init__(self, server: HTTPServer) -> None:
        self.url = f"http://{server.host}:{server.port}"
        self.accounts: dict[str, dict] = {}
        self.checkout_sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.transfers: dict[str, dict] = {}
        self.reversals: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.requests: list[RecordedRequest] = []
        self._counter = itertools.count(1)
        self._faults: list[_Fault] = []
        self._saved: dict[str, _Saved] = {}
        self._in_progress: set[str] = set()
        self._lock = threading.RLock()
        self._idle = threading.Condition()
        self._in_flight = 0
        server.clear_all_handlers()
        server.clear_log()
        server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._handle)

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):06d}{secrets.token_hex(6)}"

    # ----- controls for tests -------------------------------------------------------------

    def fail_next(
        self,
        path_prefix: str,
        status: int,
        times: int = 1,
        message: str | None = None,
        *,
        code: str | None = None,
        type: str | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next `times` requests whose path starts with `path_prefix` with an error."""
        default_type, default_code, default_message = DEFAULT_ERRORS.get(
            status, ("api_error", None, "An unknown error occurred")
        )
        error = {"type": type or default_type, "code": code or default_code,
                 "message": message or default_message}
        with self._lock:
            self._faults.append(_Fault(path_prefix, method, times, status=status, error=error))

    def delay_next(self, path_prefix: str, seconds: float, times: int = 1, *, method: str | None = None) -> None:
        """Hold the next `times` matching requests for `seconds` before processing them."""
        with self._lock:
            self._faults.append(_Fault(path_prefix, method, times, delay=seconds))

    def activate_transfers(self, account_id: str) -> None:
        """What finishing Express onboarding does: the transfers capability becomes active."""
        with self._lock:
            account = self.accounts[account_id]
            account["capabilities"]["transfers"] = "active"
            account.update(details_submitted=True, payouts_enabled=True)

    def create_payment_intent(self, amount: int, currency: str = "gbp", metadata: dict | None = None) -> str:
        """A succeeded PaymentIntent that can then be refunded; returns its id."""
        with self._lock:
            pi_id = self.new_id("pi")
            self.payment_intents[pi_id] = {
                "id": pi_id, "object": "payment_intent", "amount": amount, "amount_received": amount,
                "currency": currency, "status": "succeeded", "metadata": dict(metadata or {}),
                "livemode": False, "created": int(time.time()), "amount_refunded": 0,
            }
            return pi_id

    def complete_checkout(self, session_id: str) -> dict:
        """Pay a Checkout Session: creates its PaymentIntent; returns the session as a webhook carries it."""
        with self._lock:
            session = self.checkout_sessions[session_id]
            pi_id = self.create_payment_intent(
                session["amount_total"], session["currency"], session.pop("_pi_metadata", {})
            )
            session.update(payment_intent=pi_id, payment_status="paid", status="complete")
            return json.loads(json.dumps(session))

    def event_payload(self, event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
        """The raw body of a webhook event carrying `obj`, ready for `sign_webhook`."""
        event = {
            "id": event_id or self.new_id("evt"), "object": "event", "type": event_type,
            "api_version": "2025-01-01", "created": int(time.time()), "livemode": False,
            "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
            "data": {"object": obj},
        }
        return json.dumps(event).encode()

    sign_webhook = staticmethod(sign_webhook)

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method and exact path (either may be left out)."""
        return [r for r in self.requests
                if (method is None or r.method == method) and (path is None or r.path == path)]

    def wait_idle(self, timeout: float = 10) -> None:
        """Wait until no request is being processed (for example a delayed one)."""
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout):
                raise TimeoutError("the fake Stripe is still processing a request")

    # ----- HTTP -----------------------------------------------------------------------------

    def _handle(self, request: Request) -> Response:
        with self._idle:
            self._in_flight += 1
        try:
            status, body, headers = self._answer(request)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()
        headers = {"Request-Id": "req_" + secrets.token_hex(7), **headers}
        return Response(json.dumps(body), status, headers, content_type="application/json")

    def _answer(self, request: Request) -> tuple[int, dict, dict]:
        method, path = request.method, request.path
        raw = request.get_data(as_text=True) if method == "POST" else request.query_string.decode()
        key = request.headers.get("Idempotency-Key") if method == "POST" else None
        record = RecordedRequest(method, path, decode_params(raw), key)
        with self._lock:
            self.requests.append(record)
            if key in self._in_progress:
                record.status = 409
                return 409, _error("idempotency_error", "There is currently another in-progress request "
                                   "using this Idempotency Key. Please try again later."), {}
            fault = self._take_fault(method, path)
            if key:
                self._in_progress.add(key)
        try:
            return self._answer_now(request, record, fault)
        finally:
            with self._lock:
                self._in_progress.discard(key)

    def _answer_now(self, request: Request, record: RecordedRequest, fault: _Fault | None) -> tuple[int, dict, dict]:
        method, path, key = record.method, record.path, record.idempotency_key
        if fault and fault.delay:
            time.sleep(fault.delay)
        if not _authorised(request.headers.get("Authorization", "")):
            record.status = 401
            return 401, _error("invalid_request_error", "Invalid API Key provided"), {}
        if fault and fault.status:
            record.status = fault.status
            return fault.status, {"error": dict(fault.error)}, {}
        with self._lock:
            saved = self._saved.get(key) if key else None
            if saved is not None:
                if (saved.method, saved.path, saved.params) != (method, path, record.params):
                    record.status = 400
                    return 400, _error("idempotency_error", (
                        "Keys for idempotent requests can only be used with the same parameters they "
                        f"were first used with. Try using a key other than '{key}' if you meant to "
                        "execute a different request.")), {}
                record.status, record.replayed = saved.status, True
                return saved.status, saved.body, {"Idempotent-Replayed": "true"}
            status, body = self._route(method, path, record.params)
            if key and status < 400:
                self._saved[key] = _Saved(method, path, record.params, status, body)
            record.status = status
            return status, body, {}

    def _take_fault(self, method: str, path: str) -> _Fault | None:
        for fault in self._faults:
            if path.startswith(fault.path_prefix) and fault.method in (None, method):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        for route_method, pattern, handler in ROUTES:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                try:  # a snapshot, as later changes to the object must not alter a stored answer
                    return 200, json.loads(json.dumps(handler(self, params, **match.groupdict())))
                except StripeFail as fail:
                    return fail.status, fail.body()
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")


def _authorised(header: str) -> bool:
    scheme, _, key = header.partition(" ")
    return scheme == "Bearer" and key.startswith("sk_test_") and len(key) > len("sk_test_")


def _error(type_: str, message: str, code: str | None = None) -> dict:
    return {"error": {"type": type_, "code": code, "message": message}}


# ----- endpoints ------------------------------------------------------------------------------


class StripeFail(Exception):
    """Raised by an endpoint to answer with a Stripe error."""

    def __init__(self, status: int, message: str, code: str | None = None, param: str | None = None,
                 type_: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.param, self.type = status, message, code, param, type_

    def body(self) -> dict:
        return {"error": {"type": self.type, "code": self.code, "message": self.message, "param": self.param}}


def _required(params: dict, name: str) -> Any:
    value = params
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value in (None, ""):
        raise StripeFail(400, f"Missing required param: {name}.", "parameter_missing", name)
    return value


def _amount(params: dict, name: str, default: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, "") and default is not None:
        return default
    raw = _required(params, name)
    if not re.fullmatch(r"[0-9]+", str(raw)) or int(raw) <= 0:
        raise StripeFail(400, f"Invalid positive integer: {raw}", "parameter_invalid_integer", name)
    return int(raw)


def _found(table: dict, object_id: str, kind: str, status: int = 404, param: str | None = None) -> dict:
    if object_id not in table:
        raise StripeFail(status, f"No such {kind}: '{object_id}'", "resource_missing", param)
    return table[object_id]


def _base(fake: FakeStripe, prefix: str, obj: str, params: dict) -> dict:
    return {"id": fake.new_id(prefix), "object": obj, "livemode": False, "created": int(time.time()),
            "metadata": dict(params.get("metadata") or {})}


def create_checkout_session(fake: FakeStripe, params: dict) -> dict:
    if params.get("mode") not in ("payment", "setup", "subscription"):
        raise StripeFail(400, "Invalid mode: must be one of payment, setup, or subscription", None, "mode")
    items = _required(params, "line_items")
    total, currencies = 0, set()
    for item in items:
        price = _required(item, "price_data")
        currencies.add(_required(price, "currency"))
        _required(price, "product_data.name")
        total += _amount(price, "unit_amount") * _amount(item, "quantity", default=1)
    if len(currencies) != 1:
        raise StripeFail(400, "All line items must use the same currency.", None, "line_items")
    session = _base(fake, "cs_test", "checkout.session", params)
    session.update(
        amount_total=total, currency=currencies.pop(), mode=params["mode"], status="open",
        client_reference_id=params.get("client_reference_id"), payment_intent=None,
        payment_status="unpaid", success_url=_required(params, "success_url"),
        cancel_url=params.get("cancel_url"), url=f"https://checkout.stripe.com/c/pay/{session['id']}",
    )
    intent_metadata = (params.get("payment_intent_data") or {}).get("metadata") or {}
    fake.checkout_sessions[session["id"]] = dict(session, _pi_metadata=dict(intent_metadata))
    return session


def create_account(fake: FakeStripe, params: dict) -> dict:
    if _required(params, "type") not in ("express", "standard", "custom"):
        raise StripeFail(400, f"Invalid type: {params['type']}", None, "type")
    account = _base(fake, "acct", "account", params)
    requested = params.get("capabilities") or {}
    account.update(
        type=params["type"], country=params.get("country", "US"), email=params.get("email"),
        capabilities={name: "inactive" for name, value in requested.items()
                      if (value or {}).get("requested") == "true"},
        charges_enabled=False, payouts_enabled=False, details_submitted=False,
    )
    fake.accounts[account["id"]] = account
    return account


def create_account_link(fake: FakeStripe, params: dict) -> dict:
    account_id = _required(params, "account")
    _found(fake.accounts, account_id, "account", 400, "account")
    if _required(params, "type") not in ("account_onboarding", "account_update"):
        raise StripeFail(400, f"Invalid type: {params['type']}", None, "type")
    for name in ("return_url", "refresh_url"):
        _required(params, name)
    now = int(time.time())
    return {"object": "account_link", "created": now, "expires_at": now + 300,
            "url": f"https://connect.stripe.com/setup/e/{account_id}/{secrets.token_urlsafe(9)}"}


def create_transfer(fake: FakeStripe, params: dict) -> dict:
    amount = _amount(params, "amount")
    currency = _required(params, "currency")
    account = _found(fake.accounts, _required(params, "destination"), "destination", 400, "destination")
    if account["capabilities"].get("transfers") != "active":
        raise StripeFail(400, "Your destination account needs to have at least one of the following "
                         "capabilities enabled: transfers, crypto_transfers, legacy_payments",
                         "insufficient_capabilities_for_transfer", "destination")
    transfer = _base(fake, "tr", "transfer", params)
    transfer.update(
        amount=amount, amount_reversed=0, currency=currency, destination=account["id"],
        reversed=False, transfer_group=params.get("transfer_group"), description=params.get("description"),
        reversals={"object": "list", "data": [], "has_more": False, "total_count": 0,
                   "url": f"/v1/transfers/{transfer['id']}/reversals"},
    )
    fake.transfers[transfer["id"]] = transfer
    return transfer


def create_reversal(fake: FakeStripe, params: dict, transfer_id: str) -> dict:
    transfer = _found(fake.transfers, transfer_id, "transfer")
    remaining = transfer["amount"] - transfer["amount_reversed"]
    if remaining <= 0:
        raise StripeFail(400, f"Transfer {transfer_id} has already been fully reversed.")
    amount = _amount(params, "amount", default=remaining)
    if amount > remaining:
        raise StripeFail(400, f"Amount ({amount}) is greater than the amount remaining ({remaining}).",
                         None, "amount")
    reversal = _base(fake, "trr", "transfer_reversal", params)
    reversal.update(amount=amount, currency=transfer["currency"], transfer=transfer_id,
                    destination_payment_refund=None, source_refund=None)
    fake.reversals[reversal["id"]] = reversal
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    transfer["reversals"]["data"].append(reversal)
    transfer["reversals"]["total_count"] += 1
    return reversal


def create_refund(fake: FakeStripe, params: dict) -> dict:
    intent = _found(fake.payment_intents, _required(params, "payment_intent"), "payment_intent", 400,
                    "payment_intent")
    remaining = intent["amount_received"] - intent["amount_refunded"]
    amount = _amount(params, "amount", default=remaining)
    if amount > remaining:
        raise StripeFail(400, f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                         f"({remaining})", "charge_already_refunded" if remaining == 0 else None, "amount")
    refund = _base(fake, "re", "refund", params)
    refund.update(amount=amount, currency=intent["currency"], payment_intent=intent["id"],
                  status="succeeded", reason=params.get("reason"))
    intent["amount_refunded"] += amount
    fake.refunds[refund["id"]] = refund
    return refund


def _public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _getter(table: str, kind: str):
    return lambda fake, params, object_id: _public(_found(getattr(fake, table), object_id, kind))


ROUTES = [
    (method, re.compile(path), handler)
    for method, path, handler in [
        ("POST", r"/v1/checkout/sessions", create_checkout_session),
        ("GET", r"/v1/checkout/sessions/(?P<object_id>[^/]+)", _getter("checkout_sessions", "checkout.session")),
        ("POST", r"/v1/accounts", create_account),
        ("GET", r"/v1/accounts/(?P<object_id>[^/]+)", _getter("accounts", "account")),
        ("POST", r"/v1/account_links", create_account_link),
        ("POST", r"/v1/transfers", create_transfer),
        ("GET", r"/v1/transfers/(?P<object_id>[^/]+)", _getter("transfers", "transfer")),
        ("POST", r"/v1/transfers/(?P<transfer_id>[^/]+)/reversals", create_reversal),
        ("POST", r"/v1/refunds", create_refund),
        ("GET", r"/v1/refunds/(?P<object_id>[^/]+)", _getter("refunds", "refund")),
        ("GET", r"/v1/payment_intents/(?P<object_id>[^/]+)", _getter("payment_intents", "payment_intent")),
    ]
]

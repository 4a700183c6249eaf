"""One shape for every error under /api/: {"error": {"code", "message", "fields"}}, never an HTML page."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from challenge import errors as site_errors
from challenge.api.auth import SAFE_METHODS, Unauthorized
from challenge.errors import DomainError, FieldError

PREFIX = "/api/"
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid_parameters",
         429: "too_many_requests", 500: "server_error"}
MESSAGES = {404: "There is nothing here.", 405: "This address does not answer that method.",
            415: "Send the body as JSON, with Content-Type: application/json.",
            422: "Some parameters or fields are not valid: see fields.", 429: "Too many requests: wait a minute and try again.",
            500: "Sorry, something went wrong on our side."}


def error_answer(status: int, message: str, field_errors: dict | None = None):
    body = {"code": CODES.get(status, "error"), "message": message, "fields": field_errors or {}}
    return jsonify(error=body), status


def domain_error(exc: DomainError):
    """A refusal by a service: its status, except that what a write sent and a service refused is a 422."""
    status = 422 if isinstance(exc, FieldError) and request.method not in SAFE_METHODS else exc.status
    return error_answer(status, exc.message, {k: v for k, v in exc.messages.items() if k})


def _flatten(messages) -> dict[str, str]:
    """webargs' {"query": {"field": ["why", ...]}} (or {"json": {"prizes": {0: {"amount": [...]}}}}) as
    {"field": "why"}, a nested field named by its path ("prizes.0.amount")."""
    out: dict[str, str] = {}

    def walk(name: str, why) -> None:
        if isinstance(why, dict):
            for key, inner in why.items():
                walk(f"{name}.{key}" if name else str(key), inner)
        else:
            out[name or "_body"] = " ".join(map(str, why)) if isinstance(why, list) else str(why)

    for location in (messages or {}).values():
        walk("", location)
    return out


def unauthorized(exc: Unauthorized):
    response, status = error_answer(401, exc.message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response, status


def http_error(exc: HTTPException):
    status = exc.code or 500
    field_errors = _flatten(getattr(exc, "data", {}).get("messages")) if hasattr(exc, "data") else {}
    message = MESSAGES.get(status) or exc.description or "This request could not be answered."
    if status == 403 and exc.description:
        message = exc.description
    if status == 400 and exc.description == BadRequest.description:
        message = _unreadable(field_errors)  # werkzeug's own words speak of a browser: say what was unreadable
    response, status = error_answer(status, message, field_errors)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 429:
        response.headers["Retry-After"] = str(_retry_after(exc))
    return response, status


def _unreadable(field_errors: dict[str, str]) -> str:
    """What a 400 could not read, in place of werkzeug's default description (a 400 of our own keeps its words)."""
    if "_body" in field_errors:
        return "The body is not valid JSON: check its quotes, commas and brackets."
    if field_errors:
        return "A parameter could not be read: see fields."
    return "The request could not be read."


def _retry_after(exc: HTTPException) -> int:
    """Seconds until the limit that was hit lets a request through again (at least 1)."""
    limit = getattr(exc, "limit", None)
    per = getattr(getattr(limit, "limit", None), "get_expiry", None)
    return max(1, int(per())) if callable(per) else 60


def unexpected(exc: Exception):
    current_app.logger.exception("API error on %s", request.path)
    return error_answer(500, MESSAGES[500])


def register(bp) -> None:
    """Errors raised by the API's own views."""
    bp.register_error_handler(Unauthorized, unauthorized)
    bp.register_error_handler(DomainError, domain_error)
    bp.register_error_handler(HTTPException, http_error)
    bp.register_error_handler(Exception, unexpected)


def register_for_app(app: Flask) -> None:
    """404 and 405 that no API view raised (an unknown path under /api/): JSON there, the site's page elsewhere."""
    for status in (404, 405):
        app.register_error_handler(status, _api_or_site)


def _api_or_site(exc: HTTPException):
    if request.path.startswith(PREFIX):
        return http_error(exc)
    return site_errors.http_error(exc)

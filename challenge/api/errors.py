"""One shape for every error under /api/: {"error": {"code", "message", "fields"}}, never an HTML page."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from challenge import errors as site_errors
from challenge.errors import DomainError

PREFIX = "/api/"
CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         413: "too_large", 422: "invalid_parameters", 429: "too_many_requests", 500: "server_error"}
MESSAGES = {404: "There is nothing here.", 405: "This address only answers GET.",
            422: "Some query parameters are not valid.", 429: "Too many requests: wait a minute and try again.",
            500: "Sorry, something went wrong on our side."}


def error_answer(status: int, message: str, field_errors: dict | None = None):
    body = {"code": CODES.get(status, "error"), "message": message, "fields": field_errors or {}}
    return jsonify(error=body), status


def domain_error(exc: DomainError):
    return error_answer(exc.status, exc.message, {k: v for k, v in exc.messages.items() if k})


def _flatten(messages) -> dict[str, str]:
    """webargs' {"query": {"field": ["why", ...]}} as {"field": "why"}."""
    out = {}
    for location in (messages or {}).values():
        for name, why in (location or {}).items():
            out[str(name)] = " ".join(why) if isinstance(why, list) else str(why)
    return out


def http_error(exc: HTTPException):
    status = exc.code or 500
    field_errors = _flatten(getattr(exc, "data", {}).get("messages")) if hasattr(exc, "data") else {}
    message = MESSAGES.get(status) or exc.description or "This request could not be answered."
    response, status = error_answer(status, message, field_errors)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response, status


def unexpected(exc: Exception):
    current_app.logger.exception("API error on %s", request.path)
    return error_answer(500, MESSAGES[500])


def register(bp) -> None:
    """Errors raised by the API's own views."""
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

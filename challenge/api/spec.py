"""The OpenAPI 3.1 document, made by flask-smorest from the schemas the views use.

We use flask-smorest's documentation half only: its own error handlers (registered for the whole app)
and its Swagger/ReDoc pages (which load from a CDN) are left off; errors.py and views/meta.py answer those.
"""
from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from challenge.api.auth import BEARER_SCHEME, SCHEME
from challenge.api.schemas import Error
from challenge.platform.hygiene import RowIdConverter

TITLE = "Challenge Exchange public API"
VERSION = "v1"
INFO = {"description": "Public data without a token: published challenges, organisations, published winners and "
                       "the solutions library (answers carry an ETag; send If-None-Match to get 304). With a "
                       "personal token (Authorization: Bearer cx_…, from your account page): a seeker's drafts, "
                       "entries and panel results, a creator's own entries, a broker's partnerships and payouts.",
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"}}


class DocumentOnlyApi(Api):
    ERROR_SCHEMA = Error

    def _register_error_handlers(self):
        """Not app-wide: the site keeps its own error pages (challenge/errors.py, api/errors.py)."""


def attach(app: Flask, bp) -> None:
    """Build the document for `bp` once the app has its routes (called when the blueprint registers)."""
    api = DocumentOnlyApi(spec_kwargs={"title": TITLE, "version": VERSION, "openapi_version": "3.1.0",
                                       "info": INFO})
    api.init_app(app)
    api.register_converter(RowIdConverter, lambda converter: {"type": "integer", "minimum": converter.min,
                                                             "maximum": converter.max})
    app.extensions["flask-smorest"]["blp_name_to_api"][bp.name] = api
    bp.register_views_in_doc(api, app, api.spec, name=bp.name, parameters=None)
    api.spec.components.security_scheme(SCHEME, BEARER_SCHEME)
    api.spec.tag({"name": bp.name, "description": bp.description})
    app.extensions["api_spec"] = api.spec


# What every operation may also answer (the blueprint's cache headers, errors and rate limit).
_ERROR = {"$ref": "#/components/responses/DEFAULT_ERROR"}
COMMON_RESPONSES = {"400": _ERROR, "404": _ERROR, "429": _ERROR}
READ_RESPONSES = {"304": {"description": "Not modified: the If-None-Match sent matches the answer's ETag"}}
# With a token: 401 without a valid one, 403 for a write with a read-only token or a refused action.
TOKEN_RESPONSES = {"401": _ERROR, "403": _ERROR}
WRITE_RESPONSES = {"409": _ERROR, "413": _ERROR, "415": _ERROR, "422": _ERROR}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _also(method: str, operation: dict) -> dict:
    extra = dict(COMMON_RESPONSES)
    if method == "get":
        extra |= READ_RESPONSES
    if operation.get("security"):
        extra |= TOKEN_RESPONSES
    if method != "get":
        extra |= WRITE_RESPONSES
    return extra


def document(app: Flask) -> dict:
    doc = app.extensions["api_spec"].to_dict()
    for item in doc["paths"].values():
        for method in set(item) & set(HTTP_METHODS):
            for status, answer in _also(method, item[method]).items():
                item[method]["responses"].setdefault(status, dict(answer))
    return doc

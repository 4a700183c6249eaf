"""Domain errors, and the pages (or JSON) that answer every error status."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from challenge.platform import readonly


class DomainError(Exception):
    """A rule of the domain refused the request. Its message is shown to the user.

    `field` names the form field the refusal is about (None: the request as a whole) and `others` maps
    further fields refused for the same reason to their messages. A view that runs a service inside
    `tx.unit_of_work(form)` shows the message on that field; elsewhere it becomes an error page.
    """

    status = 400

    def __init__(self, message: str, field: str | None = None, others: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.others = dict(others or {})

    @property
    def messages(self) -> dict[str | None, str]:
        """Every refused field and its message, the main one first."""
        return {self.field: self.message, **self.others}


class FieldError(DomainError):
    """What was typed is refused: a value out of range, a name taken, a date in the past.

    `FieldError.on({"title": "...", "amount": "..."})` refuses several fields at once.
    """

    @classmethod
    def on(cls, messages: dict[str, str]) -> "FieldError":
        (field, message), *rest = messages.items()
        return cls(message, field, dict(rest))


class InvalidTransition(DomainError):
    status = 409


class NotAllowed(DomainError):
    status = 403


class PaymentFailed(DomainError):
    status = 502


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/webhooks/")) or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(DBAPIError, database_unavailable)
    app.register_error_handler(Exception, unexpected)
    app.teardown_appcontext(close_session_even_if_the_database_went_away)
    readonly.listen()


def domain_error(exc: DomainError):
    if _wants_json():
        return jsonify(error=exc.message), exc.status
    return render_template("errors/error.html", code=exc.status, title="This could not be done",
                           message=exc.message), exc.status


_TITLES = {400: "There is a problem with the request", 403: "You cannot do that", 404: "Page not found",
           405: "That is not allowed here", 413: "The upload is too large", 429: "Too many attempts",
           500: "Sorry, there is a problem with the service"}


def _http_message(code: int, exc: HTTPException) -> str:
    config = current_app.config
    if code == 413:
        limit_mb = config["UPLOAD_MAX_BYTES"] // (1024 * 1024)
        return (f"The upload is too large. Each file may be at most {limit_mb} MB, "
                f"and at most {config['UPLOAD_MAX_FILES']} files may be sent at once.")
    if code == 429:
        return (f"You have tried this too many times in a short while (the limit is {exc.description}). "
                "This protects your account from people guessing passwords. Wait a minute, then try again.")
    return exc.description


def http_error(exc: HTTPException):
    code = exc.code or 500
    message = _http_message(code, exc)
    if _wants_json():
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, title=_TITLES.get(code, exc.name),
                           message=message), code


def close_session_even_if_the_database_went_away(exc):
    """Runs before Flask-SQLAlchemy's own teardown (registered earlier, so called later). A database that
    restarts after a request's last query kills its connection, and the ROLLBACK that closing the session
    sends (or the COMMIT that ends a transaction that only read: platform/readonly.py) fails: without this,
    that failure turns an answer already made into a 500."""
    from challenge.extensions import db

    if not db.session.registry.has():
        return  # the request never used the database (a kept page, the health check): nothing to close
    try:
        if exc is None:
            readonly.end(db.session())  # a transaction that only read commits: PostgreSQL keeps what it prepared
        db.session.remove()
    except DBAPIError as lost:
        current_app.logger.warning("database connection lost after the request: %s",
                                   str(lost.orig or lost).splitlines()[0][:300])
        db.session.registry.clear()  # the broken connection was invalidated; the pool replaces it


def database_unavailable(exc: DBAPIError):
    """The database went away (a restart, a failover, a dropped connection): nothing was committed, so
    say so and ask for a retry, with a page that needs no database to render."""
    if not (isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated):
        return unexpected(exc)
    current_app.logger.warning("database unavailable: %s", str(exc.orig or exc).splitlines()[0][:300])
    from challenge.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next checkout
        pass
    retry_after = str(current_app.config.get("DATABASE_RETRY_AFTER_SECONDS", 5))
    message = ("The service lost its connection to the database for a moment. Nothing you sent was saved "
               "half-way and nothing already confirmed to you was lost: please try again in a few seconds.")
    if _wants_json():
        response = jsonify(error=message)
    else:
        # Straight from Jinja: render_template's context processors would load the signed-in user, from
        # the database that is away.
        page = current_app.jinja_env.get_template("errors/unavailable.html")
        response = current_app.make_response(page.render(message=message, retry_after=retry_after))
    response.status_code = 503
    response.headers["Retry-After"] = retry_after
    response.headers["Cache-Control"] = "no-store"
    return response


def unexpected(exc: Exception):  # pragma: no cover - exercised by the security suite
    if isinstance(exc, HTTPException):
        return http_error(exc)
    current_app.logger.exception("unhandled error")
    from challenge.extensions import db

    db.session.rollback()
    if _wants_json():
        return jsonify(error="internal error"), 500
    return render_template("errors/error.html", code=500,
                           title="Sorry, there is a problem with the service",
                           message="Something went wrong on our side. Nothing you sent was half-saved; "
                                   "please try again."), 500

"""The unit of work: one commit per request, at the edge, then the side effects it allows.

Every POST view changes things the same way::

    form = SomeForm()
    if form.validate_on_submit():
        with tx.unit_of_work(form) as work:
            thing = services.do_it(thing, form.value(), current_user, clock.now())
        if work.done:
            return tx.done("It is done.", url_for("pkg.show", id=thing.id))
    return tx.render_form("pkg/page.html", form, thing=thing)

`unit_of_work` commits when the block ends normally, then delivers the emails it queued (the outbox) and,
through the page cache's commit hook, renews the anonymous pages' generation. A refusal (`DomainError`)
rolls everything back — nothing half-written — and is shown on the form field it names; any other error
rolls back and propagates. Services never commit: they flush, and take row locks through `lock()`, so the
places that decide under a lock all read the same way.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from flask import flash, redirect, render_template
from flask_wtf import FlaskForm

from challenge import clock
from challenge.errors import DomainError
from challenge.extensions import db
from challenge.platform import outbox

Row = TypeVar("Row")


def commit() -> None:
    """Commit the request's unit of work, then send the emails it queued.

    Anything not sent here (a mail server down) stays pending for `flask outbox send`.
    """
    db.session.commit()
    outbox.deliver_queued(clock.now())


def rollback() -> None:
    """Forget everything the request changed, and the emails it queued."""
    db.session.rollback()
    outbox.discard_queued()


@dataclass
class Work:
    """How a unit of work ended: `done` after its commit; `refused` holds the refusal shown on the form."""

    done: bool = False
    refused: DomainError | None = None


@contextmanager
def unit_of_work(*forms: FlaskForm) -> Iterator[Work]:
    """Run the block as one transaction: commit on success, roll back on any error.

    A `DomainError` is put on the first of `forms` that has the field it names (or on the first form, as a
    refusal of the whole form) and swallowed, so the view re-renders the form; with no form it propagates
    after the rollback and becomes an error page.
    """
    work = Work()
    try:
        yield work
    except DomainError as exc:
        rollback()
        if not forms:
            raise
        refuse(exc, *forms)
        work.refused = exc
    except BaseException:
        rollback()
        raise
    else:
        commit()
        work.done = True


def refuse(exc: DomainError, *forms: FlaskForm) -> None:
    """Show a refusal on the forms: each message on its field, or on the whole first form."""
    for name, message in exc.messages.items():
        form = next((f for f in forms if name and name in f._fields), None)
        if form is None:
            form = forms[0]
            form.form_errors.append(message)
        else:
            field = form[name]
            field.errors = [*(field.errors if isinstance(field.errors, list) else []), message]
    forms[0].refusal = exc


def lock(model: type[Row], row_id: int) -> Row | None:
    """Lock one row for the rest of the unit of work and read it afresh (None when it is gone).

    A service that decides on a row's state (a payment recorded once, a place awarded once) locks it
    first, so a second request waits and then sees the first one's result.
    """
    return db.session.scalar(db.select(model).where(model.id == row_id).with_for_update()
                             .execution_options(populate_existing=True))


def done(message: str, target: str, category: str = "success"):
    """Say what happened and move on: the end of every successful POST (after the unit of work committed)."""
    flash(message, category)
    return redirect(target)


def render_form(template: str, form: FlaskForm | None = None, /, **context):
    """Render a page with its form(s): 200 when first shown, 400 (or the refusal's status) when refused.

    The template shows each form's `error_summary`; pass the page's form as `form` or several forms by name.
    """
    if form is not None:
        context["form"] = form
    forms = [value for value in context.values() if isinstance(value, FlaskForm)]
    refusal = next((f.refusal for f in forms if getattr(f, "refusal", None) is not None), None)
    if refusal is not None:
        status = refusal.status
    elif any(f.is_submitted() and f.errors for f in forms):
        status = 400
    else:
        status = 200
    return render_template(template, **context), status

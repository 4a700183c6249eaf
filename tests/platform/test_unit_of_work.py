"""The unit of work every POST view uses: commit on success, nothing half-written on a refusal, the
refusal on the form field it names, and the page answered with the right status."""
from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField

from challenge import clock
from challenge.accounts.models import User
from challenge.errors import DomainError, FieldError, InvalidTransition
from challenge.extensions import db
from challenge.platform import outbox, tx
from challenge.platform.models import OutboxMessage


MAIL = {"user": None, "link": "https://example.org/reset/x", "name": "Someone", "minutes": 60}


class NameForm(FlaskForm):
    class Meta:
        csrf = False

    name = StringField("Name")
    email = StringField("Email")


def _renamed(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).name


@pytest.fixture()
def user(make_user):
    person = make_user(name="Before")
    db.session.commit()
    return person


def test_the_block_is_committed_when_it_ends_normally(app, user):
    with app.test_request_context(method="POST", data={"name": "After"}):
        form = NameForm()
        with tx.unit_of_work(form) as work:
            user.name = form.name.data
        assert work.done and work.refused is None
    db.session.rollback()  # a commit really happened: a rollback now cannot undo it
    assert _renamed(user.id) == "After"


def test_a_refusal_rolls_everything_back_and_lands_on_its_field(app, user):
    with app.test_request_context(method="POST", data={"name": "After"}):
        form = NameForm()
        with tx.unit_of_work(form) as work:
            user.name = "Half written"
            db.session.flush()
            raise FieldError("That name is taken", "name", {"email": "Use another address"})
        assert not work.done and isinstance(work.refused, FieldError)
        assert form.name.errors == ["That name is taken"]
        assert form.email.errors == ["Use another address"]
    assert _renamed(user.id) == "Before"


def test_a_refusal_of_no_field_is_an_error_of_the_whole_form(app, user):
    with app.test_request_context(method="POST", data={}):
        form = NameForm()
        with tx.unit_of_work(form):
            raise InvalidTransition("This round has already closed")
        assert form.form_errors == ["This round has already closed"]
        assert form.errors[form._form_error_key] == ["This round has already closed"]
        body, status = tx.render_form("errors/error.html", form, code=409, title="t", message="m")
        assert status == 409


def test_without_a_form_a_refusal_propagates_after_the_rollback(app, user):
    with app.test_request_context(method="POST"):
        with pytest.raises(DomainError, match="no"):
            with tx.unit_of_work():
                user.name = "Half written"
                raise DomainError("no")
    assert _renamed(user.id) == "Before"


def test_any_other_error_rolls_back_and_propagates(app, user):
    with app.test_request_context(method="POST", data={}):
        with pytest.raises(ZeroDivisionError):
            with tx.unit_of_work(NameForm()):
                user.name = "Half written"
                db.session.flush()
                1 / 0
    assert _renamed(user.id) == "Before"


def test_email_queued_in_a_refused_unit_is_never_sent(app, user):
    with app.test_request_context(method="POST", data={}):
        with tx.unit_of_work(NameForm()):
            outbox.queue("test", "someone@example.org", "password_reset", clock.now(), **MAIL)
            raise FieldError("refused", "name")
    assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_email_queued_in_a_committed_unit_is_sent_after_the_commit(app, user):
    with app.test_request_context(method="POST", data={}):
        with tx.unit_of_work(NameForm()):
            outbox.queue("test", "someone@example.org", "password_reset", clock.now(), **MAIL)
    message = db.session.scalar(db.select(OutboxMessage))
    assert message is not None and message.state == "sent"


def test_render_form_answers_200_first_and_400_when_the_input_is_refused(app):
    with app.test_request_context(method="GET"):
        assert tx.render_form("errors/error.html", NameForm(), code=200, title="t", message="m")[1] == 200
    with app.test_request_context(method="POST", data={}):
        form = NameForm()
        form.validate()
        form.name.errors = ["Enter a name"]
        assert tx.render_form("errors/error.html", form, code=400, title="t", message="m")[1] == 400


def test_lock_reads_the_row_afresh(app, user):
    db.session.execute(db.update(User).where(User.id == user.id).values(name="Changed elsewhere"))
    assert tx.lock(User, user.id).name == "Changed elsewhere"
    assert tx.lock(User, 2_000_000_000) is None

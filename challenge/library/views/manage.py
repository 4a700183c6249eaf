"""The broker's list of winning solutions: publish one whose creator consented, or withdraw it."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_login import current_user

from challenge import clock
from challenge.extensions import db
from challenge.library import services as library
from challenge.library.blueprint import bp
from challenge.library.models import LibraryEntry
from challenge.permissions import ensure
from challenge.platform import tx


@bp.get("/manage")
def manage():
    ensure("library.manage")
    return render_template("partnerships/library_manage.html", rows=library.winning_solutions())


@bp.post("/manage/<id:sid>/publish")
def publish(sid: int):
    ensure("library.manage")
    sub = library.solution(sid) or abort(404)
    with tx.unit_of_work():
        library.publish(sub, current_user, clock.now())
    return tx.done(f"‘{sub.title}’ is published in the library.", url_for("library.manage"))


@bp.post("/<id:eid>/withdraw")
def withdraw(eid: int):
    ensure("library.manage")
    entry = db.get_or_404(LibraryEntry, eid)
    with tx.unit_of_work():
        library.withdraw(entry, current_user, clock.now())
    return tx.done(f"‘{entry.submission.title}’ is no longer shown in the library.", url_for("library.manage"))

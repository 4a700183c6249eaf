"""paginate_rows: a page and its total in one statement (issue 13), the same pages as paginate gives."""
from __future__ import annotations

import pytest

from challenge.accounts.models import User
from challenge.extensions import db
from challenge.platform.paging import paginate, paginate_rows
from tests.factories import counted_statements


def _users(make_user, n):
    for i in range(n):
        make_user(f"Person {i:02d}")
    db.session.commit()


@pytest.mark.parametrize("page", [1, 2, 3, 9])
def test_a_page_and_its_total_in_one_statement_as_paginate_gives_them(app, make_user, page):
    _users(make_user, 5)
    by_name = db.select(User).order_by(User.name)
    with app.test_request_context(f"/?page={page}"):
        expected = paginate(by_name, per_page=2)
        with counted_statements() as statements:
            found = paginate_rows(by_name, per_page=2)
            assert (found.items, found.total, found.pages) == (expected.items, expected.total, expected.pages)
        assert len(statements) == (1 if page <= 3 else 2)  # past the end, the total is counted apart


def test_rows_of_several_things_and_a_total_given(app, make_user):
    _users(make_user, 3)
    with app.test_request_context("/?page=2"):
        with counted_statements() as statements:
            found = paginate_rows(db.select(User, User.name).order_by(User.name), per_page=2, total=3)
        assert len(statements) == 1 and found.total == 3 and found.pages == 2
        [(user, name)] = found.items
        assert isinstance(user, User) and name == user.name == "Person 02"
    with app.test_request_context("/"):
        assert paginate_rows(db.select(User).where(User.id < 0), per_page=2).total == 0
        with pytest.raises(TypeError):
            paginate_rows(lambda limit, offset: db.select(User).limit(limit).offset(offset), per_page=2)


def test_the_page_statement_is_built_once_for_each_statement_and_page_length(app, make_user):
    """A list's statement built once gives the same page statement on every request (SQLAlchemy finds it in its
    cache without computing a key for a new object), one for the first page with its sizes written in and one
    for the later pages; a statement built for one request takes its page statements with it when it goes."""
    import gc

    from challenge.platform import paging

    _users(make_user, 5)
    by_name = db.select(User).order_by(User.name)
    seen = {}
    for page in (1, 1, 2, 3, 2):
        with app.test_request_context(f"/?page={page}"):
            found = paginate_rows(by_name, per_page=2)
            assert [u.name for u in found.items] == [f"Person {i:02d}" for i in range(2 * page - 2, min(2 * page, 5))]
            assert found.total == 5
            built = paging._page_of(by_name, True, 2 if page == 1 else None)
            assert seen.setdefault(page > 1, built) is built
    assert seen[False] is not seen[True]
    first = str(seen[False].compile(db.engine))
    assert "LIMIT 2" in first.replace("\n", " ") and "OFFSET 0" in first.replace("\n", " ")
    before = len(paging._PAGES)
    with app.test_request_context("/"):
        paginate_rows(db.select(User).where(User.id > 0).order_by(User.id), per_page=2)
    gc.collect()
    assert len(paging._PAGES) == before

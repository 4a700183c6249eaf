"""The catalogue's filter form, built for every search, leaves no reference cycle behind: its fields know it through
a weak reference (forms.CatalogueForm.Meta), so it is freed as soon as the page is made."""
from __future__ import annotations

import gc

from werkzeug.datastructures import MultiDict

from challenge.challenges.forms import CatalogueForm


def test_a_search_form_is_freed_without_the_cycle_collector(app):
    with app.test_request_context("/?q=loneliness"):
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            form = CatalogueForm(MultiDict({"q": "loneliness", "sector": "health"}))
            assert form.validate() and form.q.data == "loneliness"
            assert "loneliness" in form.q() and 'name="sector"' in form.sector()  # the fields render through it
            del form
            gc.collect()
            left = [type(o).__name__ for o in gc.garbage if type(o).__module__.startswith(("wtforms", "challenge"))]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert left == []

"""The score form's levels (forms.score_form, each level's label read once): "value – what it means" where the
rubric says what it means, the bare value where it does not."""
from __future__ import annotations

from challenge.judging.forms import score_form
from challenge.judging.models import Criterion


def test_each_level_is_its_value_and_what_it_means_if_said(app):
    criteria = [Criterion(id=7, name="Impact", description="", scale_min=1, scale_max=4, levels=["Poor", "", "Good"]),
                Criterion(id=9, name="Cost", description="", scale_min=0, scale_max=2, levels=[])]
    with app.test_request_context():
        form = score_form(criteria)(formdata=None, meta={"csrf": False})
        assert form["score-7"].choices == [("1", "1 – Poor"), ("2", "2"), ("3", "3 – Good"), ("4", "4")]
        assert form["score-9"].choices == [("0", "0"), ("1", "1"), ("2", "2")]

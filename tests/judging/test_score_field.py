"""The score sheet writes each criterion's radio buttons itself (judging/_macros.html score_field), without a
WTForms field per level (issue 13): the same HTML as the shared field() macro, chosen level, errors and all."""
from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from challenge.judging.forms import score_form
from challenge.judging.models import Criterion


def _both(app, formdata):
    criteria = [Criterion(id=7, name="Impact <on people>", description="Who & how many", scale_min=1, scale_max=4,
                          levels=["Poor", "Fair", "Good & <b>bold</b>"]),
                Criterion(id=9, name="Cost", description="", scale_min=0, scale_max=2, levels=[])]
    with app.test_request_context(method="POST" if formdata else "GET"):
        form = score_form(criteria)(formdata=formdata, meta={"csrf": False})
        if formdata:
            form.validate()
            form["score-7"].errors.append("Choose a <level>")
        ours = app.jinja_env.from_string('{% from "judging/_macros.html" import score_field %}'
                                         '{% for f in fields %}{{ score_field(f) }}{% endfor %}')
        shared = app.jinja_env.from_string('{% from "macros/forms.html" import field %}'
                                           '{% for f in fields %}{{ field(f) }}{% endfor %}')
        fields = [form["score-7"], form["score-9"]]
        return ours.render(fields=fields), shared.render(fields=fields)


def _tidy(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_score_field_writes_what_the_shared_field_macro_writes(app):
    ours, shared = _both(app, None)
    assert _tidy(ours) == _tidy(shared)
    assert ours.count('type="radio"') == 7 and "checked" not in ours
    assert "Good &amp; &lt;b&gt;bold&lt;/b&gt;" in ours and "Impact &lt;on people&gt;" in ours


def test_score_field_keeps_the_chosen_level_and_the_errors(app):
    ours, shared = _both(app, MultiDict({"score-7": "3", "score-9": "0"}))
    assert _tidy(ours) == _tidy(shared)
    assert re.search(r'<input checked class="form-check-input" id="score-7-2" name="score-7" type="radio" value="3">',
                     ours)
    assert ours.count("checked") == 2 and "Choose a &lt;level&gt;" in ours and 'aria-describedby="score-7-hint score-7-error"' in ours

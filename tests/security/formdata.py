"""Read a page's form the way a browser would submit it: every named field with its current value."""
from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict]] = []
        self._field = None  # (name, kind) of an open textarea / select
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action", ""), {}))
        elif not self.forms:
            return
        fields = self.forms[-1][1] if self.forms else {}
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "y")
            elif kind not in ("submit", "button", "file"):
                fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._field, self._text = a["name"], ""
        elif tag == "select" and a.get("name"):
            self._field = a["name"]
            fields.setdefault(a["name"], None)
        elif tag == "option" and self._field and self.forms:
            current = fields.get(self._field)
            if current is None or "selected" in a:
                fields[self._field] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._field and self.forms:
            self.forms[-1][1][self._field] = self._text
            self._field = None
        elif tag == "select":
            self._field = None

    def handle_data(self, data):
        if self._field is not None:
            self._text += data


def form_on(html: str, action_contains: str = "") -> dict:
    """The fields of the first form whose action contains `action_contains` (and has fields)."""
    parser = _Forms()
    parser.feed(html)
    candidates = [f for a, f in parser.forms if action_contains and action_contains in a and f]
    candidates += [f for a, f in parser.forms if a == "" and f]  # a form that posts back to its own page
    for fields in candidates:
        return {k: ("" if v is None else v) for k, v in fields.items()}
    raise AssertionError(f"no form posting to …{action_contains} on the page")

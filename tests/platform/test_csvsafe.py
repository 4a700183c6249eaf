"""One CSV writer for every download: formula-like cells (headers included) are made inert."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from challenge.platform import csvsafe

ROOT = Path(__file__).resolve().parents[2] / "challenge"


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "\n=1",
                                  '=HYPERLINK("http://evil")'])
def test_formula_like_text_is_quoted(text):
    assert csvsafe.cell(text) == "'" + text


@pytest.mark.parametrize("value, shown", [(None, ""), ("Plain", "Plain"), (-1250, "-1250"), ("-12.50", "-12.50"),
                                          (3, "3"), ("a=b", "a=b"), ("- 5", "'- 5"), ("-5 ", "'-5 ")])
def test_numbers_and_plain_text_stay_as_they_are(value, shown):
    assert csvsafe.cell(value) == shown


def test_the_writer_quotes_the_header_row_too():
    out = io.StringIO()
    csvsafe.writer(out).writerows([["Name", "=evil()"], ["=x", 5]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["Name", "'=evil()"], ["'=x", "5"]]


def test_no_module_writes_csv_any_other_way():
    others = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
              if p.name != "csvsafe.py" and re.search(r"csv\.(writer|DictWriter)\(", p.read_text())]
    assert others == []

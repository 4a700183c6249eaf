"""Markdown is rendered and made inert; money is read and shown in minor units."""
import pytest

from challenge.markdown import render
from challenge.money import MoneyError, format_money, parse_money

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=https://evil.example></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_output_is_inert(payload):
    html = str(render(payload)).lower()
    assert "<script" not in html and "onerror" not in html and "onload" not in html
    assert "javascript:" not in html and "<iframe" not in html and "<svg" not in html and "<style" not in html


def test_markdown_keeps_what_writers_need_and_shifts_headings():
    html = str(render("# Title\n\n**bold** and [a link](https://example.org)\n\n- one\n- two"))
    assert "<h2>Title</h2>" in html and "<h1" not in html
    assert "<strong>bold</strong>" in html and 'href="https://example.org"' in html and "<li>one</li>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize("text, pence", [("25,000", 2_500_000), ("£1,500.50", 150_050), ("12.5", 1_250),
                                         ("0", 0), (7, 700)])
def test_parse_money(text, pence):
    assert parse_money(text) == pence


@pytest.mark.parametrize("text", ["-5", "1.234", "abc", "", None, True, "1e5", "NaN", "１２"])
def test_parse_money_refuses(text):
    with pytest.raises(MoneyError):
        parse_money(text)


def test_format_money():
    assert format_money(2_500_000) == "£25,000"
    assert format_money(150_050) == "£1,500.50"
    assert format_money(-100, "EUR") == "-€1"
    assert format_money(100, "JPY") == "JPY 1"

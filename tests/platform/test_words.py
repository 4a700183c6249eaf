"""Words that agree with their number, times that say "1 minute", subjects on one line."""
from datetime import timedelta

import pytest

from challenge import clock
from challenge.dates import time_left
from challenge.platform import outbox
from challenge.words import count, word_for


@pytest.mark.parametrize(("n", "word", "said"), [
    (0, "entry", "0 entries"), (1, "entry", "1 entry"), (2, "entry", "2 entries"), (1, "prize", "1 prize"),
    (2, "prize", "2 prizes"), (1200, "challenge", "1,200 challenges"), (3, "match", "3 match"),
    (2, "person", "2 people"), (2, "criterion", "2 criteria"), (2, "box", "2 boxes"), (2, "day", "2 days"),
])
def test_count_agrees_with_its_number(n, word, said):
    assert count(n, word) == said


def test_verbs_agree_too():
    assert f"1 challenge {word_for(1, 'matches')}" == "1 challenge matches"
    assert f"2 challenges {word_for(2, 'matches')}" == "2 challenges match"


@pytest.mark.parametrize(("delta", "said"), [
    (timedelta(seconds=20), "1 minute"), (timedelta(minutes=1, seconds=5), "1 minute"),
    (timedelta(minutes=5), "5 minutes"), (timedelta(hours=1, minutes=3), "1 hour"),
    (timedelta(days=1, hours=1), "1 day 1 hour"), (timedelta(days=1, hours=5), "1 day 5 hours"),
    (timedelta(days=3), "3 days"),
])
def test_time_left_says_one_minute_not_one_minutes(app, delta, said):
    now = clock.now()
    with app.app_context():
        assert time_left(now + delta, now) == said


def test_a_subject_is_one_line(app):
    assert outbox.one_line("Update on \"A\tB\":\r\n  news ") == 'Update on "A B": news'


def test_one_date_format_everywhere(app):
    from datetime import datetime, timezone

    from challenge.dates import format_date, format_dt

    at = datetime(2026, 12, 12, 17, 0, tzinfo=timezone.utc)
    with app.app_context():
        assert format_dt(at) == "Sat 12 Dec, 17:00" and format_dt(at, with_year=True) == "Sat 12 Dec 2026, 17:00"
        assert format_date(at) == "Sat 12 Dec 2026"
        summer = datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc)  # London is an hour ahead: already 1 July
        assert format_date(summer) == "Wed 1 Jul 2026" and format_dt(summer) == "Wed 1 Jul, 00:30"

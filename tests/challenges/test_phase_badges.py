"""The phase badge is made once per phase (challenges/badges.py) and reads as the macro it replaced did."""
from __future__ import annotations

from datetime import timedelta

from challenge import clock
from challenge.challenges.badges import phase_badge
from challenge.challenges.states import Phase


def test_every_phase_has_its_colour_and_label():
    colours = {Phase.OPEN: "text-bg-success", Phase.UPCOMING: "text-bg-info", Phase.CLOSED: "text-bg-secondary",
               Phase.CANCELLED: "text-bg-danger", Phase.DECIDED: "text-bg-primary", Phase.DRAFT: "text-bg-light border"}
    for phase, colour in colours.items():
        assert phase_badge(phase) == f'<span class="badge phase-badge {colour}">{phase.label}</span>'
    assert all(phase_badge(p).endswith(f">{p.label}</span>") for p in Phase)
    assert phase_badge("open") == phase_badge(Phase.OPEN)  # a phase's value reads the same


def test_the_catalogue_cards_and_the_challenge_page_show_the_badge_and_the_deadline(app, client, make_user, make_org,
                                                                                      make_challenge):
    org = make_org(make_user())
    challenge, upcoming = make_challenge(org, "open"), make_challenge(org, "upcoming")
    assert challenge.closes_at > clock.now() + timedelta(hours=1)
    page = client.get("/").get_data(as_text=True)
    card = page[page.index(f'href="/challenges/{challenge.slug}"') - 400:]
    assert '<span class="badge phase-badge text-bg-success">Open</span>' in card[:2000]
    assert "Closes in " in card[:2000]
    later = page[page.index(f'href="/challenges/{upcoming.slug}"'):]
    assert '<span class="badge phase-badge text-bg-info">Upcoming</span> <span class="ms-1">Opens in ' in later[:2000]
    shown = client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert '<span class="badge phase-badge text-bg-success">Open</span> <span class="ms-2 fw-semibold">Closes in' in shown

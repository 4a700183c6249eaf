"""`challenge_or_404`, the loader most pages start from (its statement built once, the slug a parameter): it finds
the challenge a slug names and no other, and answers 404 for a slug that names none, a hostile one or an overlong
one, and for a challenge the person may not see or manage."""
from __future__ import annotations

import pytest

from challenge.extensions import db


@pytest.mark.parametrize("slug", ["no-such-challenge", "x" * 500, "%27%20OR%201%3D1--", "%00"])
def test_a_slug_that_names_no_challenge_is_a_404(client, as_role, world, make_challenge, slug):
    make_challenge(world.org, "open", title="Lonely evenings")
    db.session.commit()
    as_role("seeker")
    assert client.get(f"/challenges/{slug}/documents").status_code == 404
    assert client.get(f"/challenges/{slug}/submissions").status_code == 404


def test_each_slug_finds_its_own_challenge_and_the_rules_still_decide(client, as_role, world, make_challenge):
    ours = make_challenge(world.org, "open", title="Lonely evenings")
    theirs = make_challenge(world.other_org, "open", title="Flooded lanes")
    draft = make_challenge(world.other_org, "draft", title="Unfinished idea")
    db.session.commit()
    as_role("seeker")
    page = client.get(f"/challenges/{ours.slug}/documents")
    assert page.status_code == 200 and "Lonely evenings" in page.text and "Flooded lanes" not in page.text
    assert client.get(f"/challenges/{theirs.slug}/documents").status_code == 404  # not theirs to manage
    assert client.get(f"/challenges/{draft.slug}/submissions").status_code == 404  # another's draft: unseen
    as_role("outsider")
    page = client.get(f"/challenges/{theirs.slug}/documents")
    assert page.status_code == 200 and "Flooded lanes" in page.text and "Lonely evenings" not in page.text

"""The documentation page's curl examples run as written: a new seeker reads the page signed in (it shows their
organisation's slug), pastes their token, and runs each example with the real curl against a live server."""
from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest

from challenge import clock
from challenge.accounts import tokens
from challenge.challenges.models import Challenge
from challenge.extensions import db

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def _examples(page: str) -> list[str]:
    """The page's shell examples (its <pre> blocks labelled "Example: …"), as text a reader would copy."""
    blocks = re.findall(r'<pre[^>]*aria-label="Example:[^"]*"[^>]*>(.*?)</pre>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", block)) for block in blocks]


def _run(example: str, secret: str) -> list[str]:
    """Each command of an example as a shell runs it, with the token pasted where the page says."""
    script = example.replace("cx_…", secret)
    done = subprocess.run(["bash", "-c", f"set -e\n{script}\n"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_examples_run_as_written_for_a_new_seeker(client, login, make_user, make_org, live_server):
    user = make_user()
    org = make_org(name="City of Yorkton Council", owner=user)
    login(user)
    page = client.get("/developers/api").get_data(as_text=True)
    assert f"<code>{org.slug}</code> (City of Yorkton Council)" in page
    examples = [e.replace("http://localhost", live_server) for e in _examples(page)]
    assert len(examples) == 3
    _, secret = tokens.create(user, "Council website", "write", clock.now())
    db.session.commit()
    read, write, again = examples
    mine = _run(read, secret)  # the first example's own "export CX_TOKEN=…" line, with the token pasted
    assert mine.strip() == '{"data":[]}'
    made = _run("export CX_TOKEN=" + secret + "\n" + write, secret)
    assert '"slug":"fewer-missed-bins"' in made and '"state":"draft"' in made
    both = _run("export CX_TOKEN=" + secret + "\n" + again, secret)
    assert both.count('"slug":"fewer-missed-bins"') == 2
    assert '"summary":"Bin collections people can trust."' in both
    db.session.expire_all()
    draft = db.session.scalars(db.select(Challenge)).one()
    assert (draft.organisation_id, draft.summary) == (org.id, "Bin collections people can trust.")


def test_signed_out_and_without_an_organisation_the_page_says_where_the_slug_comes_from(client, login, make_user):
    assert "signed in, this page shows yours" in client.get("/developers/api").get_data(as_text=True)
    login(make_user())
    page = client.get("/developers/api").get_data(as_text=True)
    assert "You belong to no organisation yet" in page and 'href="/organisations/new"' in page

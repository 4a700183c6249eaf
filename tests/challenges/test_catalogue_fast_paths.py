"""The catalogue's faster paths give the same answers: search totals, pages past the end, the organisation select."""
from __future__ import annotations

import re


def test_search_pages_and_totals(client, world, make_challenge):
    for n in range(14):
        make_challenge(world.org, "open", title=f"Hospital discharge {n:02d}")
    make_challenge(world.org, "open", title="Something else")
    first = client.get("/?q=hospital").get_data(as_text=True)
    assert "14 challenges match your filters" in first
    second = client.get("/?q=hospital&page=2").get_data(as_text=True)
    assert "14 challenges match your filters" in second and len(re.findall('class="h5 card-title"', second)) == 2
    beyond = client.get("/?q=hospital&page=50").get_data(as_text=True)
    assert "14 challenges match your filters" in beyond and "There is no page 50" in beyond


def test_organisation_select_escapes_and_keeps_the_choice(client, world, make_org, make_user, make_challenge):
    odd = make_org(make_user(), name='<b>"Ünïcode" & Co</b>', kind="charity")
    make_challenge(odd, "open", title="Odd organisation's challenge")
    page = client.get(f"/?organisation={odd.slug}").get_data(as_text=True)
    assert "<b>\"Ünïcode\"" not in page
    assert f'<option value="{odd.slug}" selected>&lt;b&gt;&#34;Ünïcode&#34; &amp; Co&lt;/b&gt;</option>' in page
    assert re.findall(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a>', page) == ["Odd organisation&#39;s challenge"]
    refused = client.get("/?organisation=%3Cscript%3E").get_data(as_text=True)
    assert "Not a valid choice" in refused

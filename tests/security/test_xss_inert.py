"""XSS payloads typed into the Markdown and text fields come back inert on every page showing them.

The payloads go in through the forms where a form takes them (profile, organisation, question, answer,
update, submission, diagnosis) and straight into the rows for the rest (challenge texts, rubric
criterion, judge's comment, partnership timeline), then every page that shows them is read.
"""
from __future__ import annotations

import re

from challenge import clock
from challenge.extensions import db
from challenge.partnerships.models import PartnershipEvent
from tests.security.formdata import form_on

PAYLOADS = ['<script>alert("x")</script>', '<img src=x onerror=alert(1)>', '[click me](javascript:alert(1))',
            '<a href="javascript:alert(1)">link</a>', '<svg onload=alert(1)>', '<iframe src="https://evil.example">',
            '"><script>alert(2)</script>', "‮ reversed \u200b zero-width \U0001F600"]
PAYLOAD = " ".join(PAYLOADS)

LIVE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),          # an inline script
    re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),              # an event handler on a real tag
    re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
    re.compile(r"<iframe", re.I), re.compile(r"<svg[^>]*onload", re.I),
]


def live_payloads(html: str) -> list[str]:
    return [m.group(0) for pattern in LIVE for m in pattern.finditer(html)]


def test_payloads_in_every_text_field_come_back_inert(app, client, sec_world, login):
    w = sec_world
    # Through the forms.
    login(w.creator)
    data = form_on(client.get("/account").get_data(as_text=True), "/account/details")
    data.update({"details-name": "Cara <b>Creator</b>", "details-bio": PAYLOAD})
    assert client.post("/account/details", data=data).status_code == 302
    login(w.seeker)
    data = form_on(client.get(f"/organisations/{w.council.slug}/edit").get_data(as_text=True))
    data.update({"description": PAYLOAD, "website": "javascript:alert(1)"})
    client.post(f"/organisations/{w.council.slug}/edit", data=data)
    data.update({"website": "https://riverside.example.org"})
    assert client.post(f"/organisations/{w.council.slug}/edit", data=data).status_code == 302
    login(w.other_creator)
    client.post(f"/challenges/{w.other_challenge.slug}/questions", data={"body": PAYLOAD})
    login(w.other_seeker)
    client.post(f"/challenges/{w.other_challenge.slug}/updates/new", data={"title": PAYLOADS[0], "body": PAYLOAD})
    login(w.seeker)
    data = form_on(client.get("/diagnoses/new").get_data(as_text=True))
    data.update({k: PAYLOAD for k in ("title", "summary", "evidence", "quotes", "survey_findings", "causes",
                                      "stakeholders") if k in data})
    data["title"] = PAYLOADS[1]
    client.post("/diagnoses/new", data=data)
    login(w.broker)
    event = {"kind": "document", "title": PAYLOADS[0], "body": PAYLOAD}
    for link in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>"):
        client.post(f"/partnerships/{w.partnership.id}/events", data={**event, "url": link})
    client.post(f"/partnerships/{w.partnership.id}/events", data={**event, "url": "https://example.org/plan"})
    assert db.session.scalar(db.select(db.func.count(PartnershipEvent.id))
                             .where(PartnershipEvent.title == PAYLOADS[0])) == 1
    # Straight into the rows.
    for field in ("problem", "context", "outcomes", "eligibility"):
        setattr(w.challenge, field, PAYLOAD)
    w.challenge.summary = PAYLOADS[1]
    w.sub.description, w.sub.summary, w.sub.title = PAYLOAD, PAYLOADS[1], PAYLOADS[0]
    w.criterion.description, w.criterion.name = PAYLOAD, PAYLOADS[1]
    w.assignment.comment = PAYLOAD
    w.question.answer, w.question.answered_at = PAYLOAD, clock.now()
    w.entry.solution_summary = PAYLOAD
    db.session.commit()

    pages = {
        w.creator: ["/account", f"/submissions/{w.sub.reference}", "/my/submissions", f"/library/{w.entry.id}",
                    f"/partnerships/{w.partnership.id}"],
        w.seeker: [f"/organisations/{w.council.slug}", f"/challenges/{w.challenge.slug}", "/diagnoses/",
                   f"/diagnoses/{w.diagnosis.id}", f"/challenges/{w.challenge.slug}/rubric",
                   f"/challenges/{w.challenge.slug}/submissions", f"/submissions/{w.sub.reference}", "/dashboard"],
        w.other_seeker: [f"/challenges/{w.other_challenge.slug}", f"/partnerships/{w.partnership.id}"],
        w.judge: [f"/judging/{w.challenge.slug}/queue", f"/judging/{w.challenge.slug}/entries/{w.assignment.id}"],
        w.broker: [f"/partnerships/{w.partnership.id}", f"/judging/{w.challenge.slug}/panel", "/library/",
                   "/", "/submissions", f"/organisations/{w.council.slug}/members", "/admin/organisations"],
        None: ["/", f"/challenges/{w.challenge.slug}", f"/challenges/{w.other_challenge.slug}", "/library/",
               f"/library/{w.entry.id}", f"/organisations/{w.council.slug}"],
    }
    diagnoses = db.session.scalars(db.select(db.text("id")).select_from(db.text("diagnoses"))).all()
    pages[w.seeker] += [f"/diagnoses/{d}" for d in diagnoses]
    problems, shown = [], 0
    for person, urls in pages.items():
        login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            html = response.get_data(as_text=True)
            shown += "alert(1)" in html
            if found := live_payloads(html):
                problems.append(f"{url}: {found}")
    assert not problems, "\n".join(problems)
    assert shown >= 10, "the payloads should be on the pages (escaped), or this test proves nothing"

"""Done when: a broker takes a winning solution from the library through introduction, pilot and contract
to a recorded impact with its SROI, sees it on the dashboards and exports it — all through the pages."""
import re

from challenge.extensions import db
from challenge.partnerships.models import Partnership


def test_from_library_to_sroi(client, login, world, outbox):
    # The winner agrees to publish; York wants it too.
    login(world.creator)
    client.post("/library/consent", data={"submission": str(world.winner.id), "consent": "y", "summary": "Weekly calls."})
    login(world.adopter)
    entry_url = re.search(r'href="(/library/\d+)"', client.get("/library/?q=befriending").get_data(as_text=True)).group(1)
    client.post(f"{entry_url}/want", data={"organisation": str(world.second.id), "note": "Please!"})

    # The broker finds the lead on the board, takes ownership and introduces them.
    login(world.broker)
    board = client.get("/partnerships/?owner=unassigned").get_data(as_text=True)
    pid = int(re.search(r'href="/partnerships/(\d+)"', board).group(1))
    client.post(f"/partnerships/{pid}/edit", data={
        "title": "Phone befriending for York", "kind": "commissioning", "value": "48,000", "commission_kind": "percent",
        "commission_percent": "5", "owner": str(world.broker.id), "next_action": "Introduce", "public": "y"})
    client.post(f"/partnerships/{pid}/introduce", data={"contact": str(world.adopter.id), "note": "Meet Cara."})
    for email in ("cara@example.org", "ada@example.org"):
        token = re.search(r"/introductions/([\w-]+)", outbox(email)[-1].body).group(1)
        client.post(f"/introductions/{token}", data={"answer": "accept"})
    for move in ("to_pilot", "to_contracted"):
        assert client.post(f"/partnerships/{pid}/move", data={"move": move}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Partnership, pid).stage == "contracted"

    # The contract needs a contract details notice (£57,600 with VAT), exported as CSV.
    page = client.get(f"/partnerships/{pid}").get_data(as_text=True)
    assert "A contract details notice is required" in page
    notice = client.get(f"/partnerships/{pid}/procurement?start=2027-04-01&end=2028-03-31&procedure=Direct+award")
    assert notice.mimetype == "text/csv" and "£57,600" in notice.get_data(as_text=True)

    # Impact, SROI, dashboards and exports.
    client.post(f"/partnerships/{pid}/impact", data={
        "outcome": "Fewer GP visits", "quantity": "200", "unit": "people", "proxy": "120", "period": "1", "duration": "2",
        "deadweight": "20", "attribution": "25", "drop_off": "10", "displacement": ""})
    client.post(f"/partnerships/{pid}/investment", data={"investment": "10,000"})
    impact = client.get(f"/partnerships/{pid}/impact").get_data(as_text=True)
    ratio = re.search(r"SROI ratio: <strong>(£[\d.]+ : £1)</strong>", impact).group(1)
    dashboard = client.get("/dashboards/broker").get_data(as_text=True)
    assert ratio in dashboard and "£48,000" in dashboard and "£2,400" in dashboard
    assert "Phone befriending" in client.get("/dashboards/broker/sroi-by-solution.csv").get_data(as_text=True)
    assert "SROI ratio" in client.get(f"/partnerships/{pid}/impact.csv").get_data(as_text=True)
    assert "Phone befriending for York" in client.get("/partnerships/export.csv").get_data(as_text=True)

    # The library now tells the story.
    login(None)
    story = client.get(entry_url).get_data(as_text=True)
    assert "with York Council: <strong>contracted</strong>" in story and ratio in story

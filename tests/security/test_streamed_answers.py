"""The audit CSV streams; the test client must read it to the end while its request is current."""
from __future__ import annotations

import gc


def test_an_unread_streamed_answer_leaves_later_app_contexts_alone(client, sec_world, login, strict_app):
    login(sec_world.broker)
    answer = client.get("/admin/audit.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    other = strict_app()
    with other.app_context():  # as the next test's context would be when the collector runs
        del answer
        gc.collect()
    # Unbuffered, the stream's generator would have popped `other`'s context here, and the with-block's
    # exit would fail with "Popped wrong app context".

from challenge.extensions import db
from challenge.platform.models import AuditEvent


def test_make_broker(runner, make_user):
    user = make_user(email="staff@example.org")
    result = runner.invoke(args=["users", "make-broker", "STAFF@example.org"])
    assert result.exit_code == 0 and "is now a broker" in result.output
    db.session.refresh(user)
    assert user.is_broker
    event = db.session.scalar(db.select(AuditEvent))
    assert (event.action, event.actor_id, event.object_id) == ("user.make_broker", None, user.id)


def test_make_broker_undo(runner, make_user):
    user = make_user(email="staff@example.org", broker=True)
    result = runner.invoke(args=["users", "make-broker", "--undo", "staff@example.org"])
    assert result.exit_code == 0 and "no longer a broker" in result.output
    db.session.refresh(user)
    assert not user.is_broker


def test_make_broker_of_an_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "make-broker", "ghost@example.org"])
    assert result.exit_code != 0 and "No account has the email address ghost@example.org" in result.output


def test_list_users(runner, make_user):
    make_user("Brooke Broker", "b@example.org", broker=True)
    gone = make_user("Gone", "g@example.org")
    gone.is_active_account = False
    db.session.commit()
    everyone = runner.invoke(args=["users", "list"]).output.splitlines()
    assert everyone == ["b@example.org\tBrooke Broker\tbroker", "g@example.org\tGone\tdeactivated"]
    assert runner.invoke(args=["users", "list", "--brokers"]).output.splitlines() == everyone[:1]

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


def test_reset_second_factor_removes_the_app_and_the_codes_ends_every_session_and_is_audited(runner, make_user,
                                                                                            client, login):
    from challenge.accounts.models import RecoveryCode, SecondFactor
    from challenge.permissions import can

    broker = make_user("Brooke Broker", "brooke@example.org", broker=True)  # brokers get an authenticator
    db.session.add(RecoveryCode(user_id=broker.id, code_hash="0" * 64, created_at=broker.created_at))
    db.session.commit()
    login(broker)
    assert client.get("/admin/").status_code == 200
    refused = runner.invoke(args=["users", "reset-second-factor", "brooke@example.org", "--reason", "lost"])
    assert refused.exit_code != 0 and "reason" in refused.output
    assert db.session.scalar(db.select(db.func.count(SecondFactor.id))) == 1

    result = runner.invoke(args=["users", "reset-second-factor", "BROOKE@example.org",
                                 "--reason", "Phone and codes lost; identity checked by video call"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(SecondFactor.id))) == 0
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "user.second_factor_reset"))
    assert event.reason.startswith("Phone and codes lost") and event.object_id == broker.id
    assert client.get("/admin/").status_code in (302, 404)  # the old session no longer opens anything
    assert can(broker, "account.second_factor_required")  # a broker must set a new one up


def test_reset_second_factor_of_an_unknown_email_fails(runner):
    result = runner.invoke(args=["users", "reset-second-factor", "nobody@example.org", "--reason", "Lost phone"])
    assert result.exit_code != 0 and "No account" in result.output

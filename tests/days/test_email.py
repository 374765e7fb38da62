"""Invitations and reminders by email, against a real SMTP server (aiosmtpd) started here: each arrives once, in
the family's language, with the right time and a link that works; nothing is sent without SMTP_URL."""
import email
import re
import socket
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller

from conference_app.days import service


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def app_config(app_config, request):
    if "inbox" in request.fixturenames:
        app_config["SMTP_URL"] = f"smtp://127.0.0.1:{request.getfixturevalue('inbox').port}"
        app_config["PUBLIC_URL"] = "http://school.example"
    return app_config


def _by_recipient(inbox):
    return {rcpt[0]: msg for rcpt, msg in inbox.messages}


def test_invitations_arrive_once_each_in_the_familys_language_with_a_working_link(app, people, login_as, inbox,
                                                                                   day_school):
    admin = people.client("admin")
    assert admin.post(f"/days/{day_school.day_id}/send").status_code == 303
    got = _by_recipient(inbox)
    assert set(got) == {"mensah@example.org", "fischer@example.org"} and len(inbox.messages) == 2
    mensah, fischer = got["mensah@example.org"], got["fischer@example.org"]
    assert mensah["Content-Language"] == "fr" and fischer["Content-Language"] == "es"
    assert mensah["Subject"] == "Invitation : Spring e-Portfolio day"
    assert fischer["Subject"] == "Invitación: Spring e-Portfolio day"
    body = mensah.get_content()
    for student in (people.owner, day_school.sibling):
        slot = day_school.slot(app, student)
        assert f"{student.display_name.split()[0]}" in body and service.hhmm(slot.starts_min) in body
    assert "Leo" not in body
    link = re.search(r"http://school\.example(/i/\S+)", body)[1]
    page = login_as(None).get(link)
    assert page.status_code == 200 and "Kofi" in page.text and "Leo" not in page.text
    # pressed again: nothing more
    admin.post(f"/days/{day_school.day_id}/send")
    assert len(inbox.messages) == 2
    # again to those without an answer: the Fischers answered, only the Mensahs get it again
    login_as(None).post(re.search(r"http://school\.example(/i/\S+)", fischer.get_content())[1],
                        data={"answer": "coming", "count": "2"})
    admin.post(f"/days/{day_school.day_id}/send", data={"again": "1"})
    assert [m[0] for m in inbox.messages[2:]] == [["mensah@example.org"]]


def test_reminders_the_day_before_once_each(app, people, inbox, day_school):
    day_school.set_date(app, datetime.now(UTC).date() + timedelta(days=1))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0 and "2 reminders sent" in first.output
    assert runner.invoke(args=["send-reminders"]).output.startswith("0 reminders")
    got = _by_recipient(inbox)
    assert len(inbox.messages) == 2
    assert got["mensah@example.org"]["Subject"].startswith("Rappel")
    assert "demain" in got["mensah@example.org"].get_content()
    # a family that cannot come gets no reminder; a day that is not tomorrow, none
    day_school.set_date(app, datetime.now(UTC).date() + timedelta(days=3))
    assert runner.invoke(args=["send-reminders"]).output.startswith("0 reminders")


def test_nothing_is_sent_without_smtp(app, people, day_school):
    assert not app.config.get("SMTP_URL")
    response = people.client("admin").post(f"/days/{day_school.day_id}/send")
    assert response.status_code == 409 and "SMTP_URL" in response.text
    assert "not set" in app.test_cli_runner().invoke(args=["send-reminders"]).output
    assert day_school.invitation(app, people.owner).sent_at is None


def test_an_email_server_that_does_not_answer_is_a_clear_503(app, people, day_school):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}"  # nobody listens there
    response = people.client("admin").post(f"/days/{day_school.day_id}/send")
    assert response.status_code == 503 and "did not answer" in response.text
    assert day_school.invitation(app, people.owner).sent_at is None
    day_school.set_date(app, datetime.now(UTC).date() + timedelta(days=1))
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 1 and "cannot be used" in result.output
    app.config["SMTP_URL"] = "smtp://127.0.0.1:notaport"
    assert people.client("admin").post(f"/days/{day_school.day_id}/send").status_code == 503

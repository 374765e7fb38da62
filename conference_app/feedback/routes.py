"""Routes: phones send feedback; presenter and coach moderate; the coach panel; the family's closing form."""
from flask_babel import gettext as _
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..answers import back_to, changed, errors_of, fragment_or_page, refuse, saved_answer
from ..extensions import htmx, limiter
from ..live import shells
from ..live.access import conference_for_presenter, current_participant, participant_tokens
from ..models import Action, AudienceRole, Conference, Feedback, User
from . import bp, realtime, service
from .access import conference_for_coach, participant_or_abort
from .forms import ActionForm, ClosingForm, FeedbackForm, NotesForm
from .service import FeedbackError


def _closing_hours() -> int:
    return current_app.config["FAMILY_FORM_HOURS"]


# ---- phones: sending feedback --------------------------------------------------------------------

def phone_panel(conference: Conference, participant) -> str:
    """The feedback form and feed on the follower's phone (extension point "live.follower"): one shell per
    conference and state for every phone (`live.shells`), with the phone's own key and feed put in."""
    s = db.session()
    feed = realtime.render_items(service.for_audience(s, conference, participant), moderator=False)
    coach_panel = (conference.is_open and participant.role == AudienceRole.COACH and current_user.is_authenticated
                   and current_user.id == participant.user_id)

    def render(me=participant.id, client_key=None, feed=feed):
        return render_template("feedback/_phone.html", conference=conference, me=me, feed=feed,
                               form=new_feedback_form(conference, key=client_key), coach_panel=coach_panel)

    if coach_panel or not shells.shareable():
        return render()
    return shells.page(("feedback", conference.id, conference.code, conference.show_feedback, conference.position),
                       lambda: render(shells.mark("me"), shells.mark("client_key"), shells.mark("feed")),
                       me=participant.id, client_key=service.new_key(), feed=feed)


def moderation_panel(conference: Conference) -> str:
    """The moderated feed on the presenter's page (extension point "live.presenter")."""
    return render_template("feedback/_moderation.html", conference=conference,
                           feedback_entries=service.for_moderators(db.session(), conference))


def _sender() -> str:
    """Feedback is limited per phone (its participant tokens), not per address: a school's phones share one."""
    return "feedback:" + (",".join(participant_tokens()) or request.remote_addr or "")


def new_feedback_form(conference: Conference, kind: str = "question", key: str | None = None) -> FeedbackForm:
    """An empty form with a fresh key (feedback.js puts one made on the phone in its place)."""
    return FeedbackForm(formdata=None, kind=kind, client_key=key or service.new_key(), position=conference.position)


def _too_fast(_limit):
    conference, _participant = participant_or_abort(request.view_args["code"])
    return _form_again(conference, FeedbackForm(), FeedbackError(
        _("You are sending very quickly. Please wait a minute, then tap Send again: your message is still here."), 429))


@bp.post("/live/<code>/feedback")
@limiter.limit(lambda: current_app.config["FEEDBACK_RATE_LIMIT"], key_func=_sender, on_breach=_too_fast)
def send(code: str):
    """A phone sends a question, comment, praise or suggestion; retries with the same key store it once."""
    s = db.session()
    conference, participant = participant_or_abort(code)
    form = FeedbackForm()
    try:
        service.clean_key(form.client_key.data)
        if not form.validate_on_submit():
            return _form_again(conference, form)
        feedback, created = service.send(s, conference, participant, kind=form.kind.data, body=form.body.data,
                                         position=form.position.data, client_key=form.client_key.data)
    except FeedbackError as e:
        return _form_again(conference, form, e)
    if created:
        realtime.push_feedback(feedback.id)
    return changed("feedback/_form.html", url_for("live.follow", code=conference.code), _("Sent. Thank you!"),
                   201 if created else 200, conference=conference, form=new_feedback_form(conference, feedback.kind),
                   sent=feedback)


@bp.post("/live/<code>/feedback/<int:feedback_id>/me-too")
def me_too(code: str, feedback_id: int):
    """A phone adds itself to another's question, once; every feed gets the new count."""
    s = db.session()
    conference, participant = participant_or_abort(code)
    feedback = _of_conference(Feedback, conference, feedback_id)
    try:
        if service.me_too(s, conference, participant, feedback):
            realtime.push_feedback(feedback.id)
    except FeedbackError as e:
        return refuse(e.status, str(e))
    return changed("feedback/_item.html", url_for("live.follow", code=conference.code), "Added.",
                   e=service.entry(s, feedback, True), moderator=False)


def _form_again(conference: Conference, form: FeedbackForm, e: FeedbackError | None = None):
    """The form back with the message kept and why it was not sent (same key: sending again stores it once;
    a key that cannot be read gets a new one)."""
    if e is not None and e.status == 400:
        form.client_key.data = service.new_key()
    return fragment_or_page("feedback/_form.html", "feedback/send.html", e.status if e else 422,
                            conference=conference, form=form, error=str(e) if e else "")


# ---- presenter and coach: moderating ------------------------------------------------------------

def _of_conference(model, conference: Conference, row_id: int):
    """A feedback or action row of this conference; one of another conference is as good as unknown."""
    row = db.session().get(model, row_id)
    if row is None or row.conference_id != conference.id:
        abort(404)
    return row


@bp.post("/conferences/<int:conference_id>/feedback/<int:feedback_id>")
@login_required
def moderate(conference_id: int, feedback_id: int):
    """Mark answered, pin or hide (and undo); phones lose hidden feedback at once."""
    s = db.session()
    conference = conference_for_presenter(conference_id)
    feedback = _of_conference(Feedback, conference, feedback_id)
    try:
        service.moderate(s, feedback, request.form.get("field", ""), request.form.get("value") == "1")
    except FeedbackError as e:
        return refuse(e.status, str(e))
    realtime.push_feedback(feedback.id)
    if htmx:
        return realtime.render_items([service.entry(s, feedback, False)], True)
    return redirect(back_to(url_for("live.present", conference_id=conference.id)), code=303)


@bp.post("/conferences/<int:conference_id>/show-feedback")
@login_required
def show_feedback(conference_id: int):
    """Whether phones see everyone's visible feedback (on) or only their own (off)."""
    s = db.session()
    conference = conference_for_presenter(conference_id)
    service.set_show_feedback(s, conference, request.form.get("on") == "1")
    realtime.push_resync(conference.id)
    return changed("feedback/_show_toggle.html", back_to(url_for("live.present", conference_id=conference.id)),
                   conference=conference)


# ---- the coach panel: notes and actions -----------------------------------------------------------

@bp.get("/conferences/<int:conference_id>/coach")
@login_required
def coach_panel(conference_id: int):
    s = db.session()
    conference = conference_for_coach(conference_id)
    note = service.note_of(s, conference.id, current_user.id)
    return render_template("feedback/coach.html", owner=s.get(User, conference.owner_id),
                           feedback_entries=service.for_moderators(s, conference), note=note,
                           notes_form=NotesForm(formdata=None, body=note.body if note else ""),
                           participant=current_participant(conference), **_actions_context(conference))


@bp.post("/conferences/<int:conference_id>/notes")
@login_required
def save_notes(conference_id: int):
    """Autosaved while the coach types (and by the Save button without JavaScript)."""
    conference = conference_for_coach(conference_id)
    form, page = NotesForm(), url_for("feedback.coach_panel", conference_id=conference.id)
    if not form.validate_on_submit():
        return saved_answer(page, form)
    note = service.save_note(db.session(), conference, current_user.id, form.body.data)
    return saved_answer(page, saved_at=note.updated_at)


def _actions_context(conference: Conference, form: ActionForm | None = None) -> dict:
    actions = service.actions_of(db.session(), conference.id)
    return {"actions": actions, "conference": conference, "action_form": form or ActionForm(formdata=None),
            "row_forms": {a.id: ActionForm(formdata=None, obj=a) for a in actions}}


def _actions_answer(conference: Conference, status: int = 200, form: ActionForm | None = None):
    error = errors_of(form) if form is not None else ""
    return changed("feedback/_actions.html",
                   url_for("feedback.coach_panel", conference_id=conference.id) + "#actions", error, status,
                   **(_actions_context(conference, form) if htmx else {}))


@bp.post("/conferences/<int:conference_id>/actions")
@login_required
def add_action(conference_id: int):
    conference = conference_for_coach(conference_id)
    form = ActionForm()
    if not form.validate_on_submit():
        return _actions_answer(conference, 422, form)
    service.add_action(db.session(), conference, current_user.id, form.text.data, form.owner.data, form.due_on.data)
    return _actions_answer(conference, 201)


@bp.post("/conferences/<int:conference_id>/actions/<int:action_id>")
@login_required
def update_action(conference_id: int, action_id: int):
    """Autosaved edits of one action; a student's action keeps its goal in step."""
    conference = conference_for_coach(conference_id)
    action = _of_conference(Action, conference, action_id)
    form, page = ActionForm(), url_for("feedback.coach_panel", conference_id=conference.id)
    if not form.validate_on_submit():
        return saved_answer(page, form)
    service.update_action(db.session(), conference, action, form.text.data, form.owner.data, form.due_on.data)
    return saved_answer(page, saved_at=action.updated_at)


@bp.post("/conferences/<int:conference_id>/actions/<int:action_id>/delete")
@login_required
def delete_action(conference_id: int, action_id: int):
    s = db.session()
    conference = conference_for_coach(conference_id)
    service.delete_action(s, _of_conference(Action, conference, action_id))
    return _actions_answer(conference)


# ---- the family's closing form ------------------------------------------------------------------------

def closing_form_before_thanks(conference: Conference, participant):
    """A family phone on its way to the thank-you page fills in the short closing form first
    (extension point "live.before_thanks"); its Skip link goes on to the thanks."""
    if (not request.args.get("skip") and participant.role == AudienceRole.FAMILY
            and service.closing_open(conference, _closing_hours())
            and service.family_form_of(db.session(), participant.id) is None):
        return redirect(url_for("feedback.closing", code=conference.code))
    return None


@bp.route("/live/<code>/closing", methods=["GET", "POST"])
def closing(code: str):
    s = db.session()
    conference, participant = participant_or_abort(code)
    if participant.role != AudienceRole.FAMILY:
        abort(404)
    if conference.is_open:
        return redirect(url_for("live.follow", code=conference.code))
    if not service.closing_open(conference, _closing_hours()):
        return render_template("feedback/closing_closed.html", conference=conference,
                               owner=s.get(User, conference.owner_id)), 410
    existing = service.family_form_of(s, participant.id)
    form = ClosingForm(obj=existing)
    owner = s.get(User, conference.owner_id)
    form.support.label.text = _("How will you support %(name)s’s goals?", name=owner.display_name)
    error, status = "", 200
    if form.validate_on_submit():
        try:
            service.save_family_form(s, conference, participant, stood_out=form.stood_out.data,
                                     question=form.question.data, support=form.support.data)
            return redirect(url_for("live.thanks", code=conference.code), code=303)
        except FeedbackError as e:
            error, status = str(e), e.status
    elif form.errors:
        status = 422
    return render_template("feedback/closing.html", conference=conference, participant=participant, owner=owner,
                           form=form, error=error, sent_before=existing is not None), status


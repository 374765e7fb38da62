"""The family's copy of a conference and shared selections of work: made, opened, withdrawn.

A link's page is read-only and shows only what it was made for: a family's copy the slides that family saw
(from the record's own copy, audience-safe only), the feedback that phone sent and the actions agreed for
the family; a selection only the items chosen. An expired or withdrawn link says so (410), an unknown one is
a 404; each opening is logged (when only).
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from .. import access, db
from ..answers import refuse, stored_file
from ..live import conferences
from ..live.access import current_participant
from ..models import (Action, ActionOwner, Conference, FamilyForm, Feedback, LinkKind, MediaFile, Participant,
                      PortfolioItem, PrivateLink, Presentation, RecordFile, RecordSlide, User)
from ..portfolio import items as portfolio_items
from ..records import fixed
from . import bp, service
from .forms import LinkForm, ShareForm


def _open_or_refuse(token: str, kind: str) -> PrivateLink:
    """The link while it works; a 410 page that says why once it has expired or been withdrawn."""
    s = db.session()
    link = service.find(s, token, kind)
    if link is None:
        abort(404)
    if not service.is_valid(link):
        abort(refuse(410, _("The student or their coach has withdrawn this link.") if link.withdrawn_at
                     else _("This link has expired. Ask the school for a new one if you still need it."),
                     title=_("This link no longer works")))
    return link


# ---- the family's copy --------------------------------------------------------------------------------

def offer(conference: Conference, participant: Participant) -> str:
    """On a family phone's thank-you page (the conference has ended): the button that makes its copy."""
    if participant.role == "coach":
        return ""
    return render_template("links/_offer.html", conference=conference, form=LinkForm(formdata=None),
                           days=current_app.config["FAMILY_LINK_DAYS"])


@bp.post("/live/<code>/copy")
def make_family_copy(code: str):
    """A private link to this phone's own view of the conference, for the phone that was in it."""
    s = db.session()
    conference = conferences.by_code(s, code)
    if conference is None:
        abort(404)
    participant = current_participant(conference)
    if participant is None or participant.role == "coach":
        return refuse(403, _("Only a phone that was in this conference can keep a copy of it."))
    if conference.is_open:
        return refuse(409, _("The copy is ready when the conference has ended."))
    if not LinkForm().validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    fixed.fix(s, conference)
    _link, token = service.make(s, LinkKind.FAMILY, conference.owner_id, current_app.config["FAMILY_LINK_DAYS"],
                                conference_id=conference.id, participant_id=participant.id,
                                label=participant.display_name)
    return redirect(url_for("links.family_copy", token=token), code=303)


def _family_view(link: PrivateLink) -> dict:
    s = db.session()
    conference = s.get(Conference, link.conference_id)
    slides = [sl for sl in fixed.slides_of(s, conference.id) if not sl.withheld]
    feedback = list(s.exec(select(Feedback).where(Feedback.participant_id == link.participant_id)
                           .order_by(Feedback.created_at, Feedback.id)))
    pictures = fixed.pictures_of(s, [sl.id for sl in slides])
    return dict(link=link, conference=conference, slides=slides, pictures=pictures,
                owner=s.get(User, conference.owner_id), presentation=s.get(Presentation, conference.presentation_id),
                participant=s.get(Participant, link.participant_id), feedback=feedback,
                form=s.exec(select(FamilyForm).where(FamilyForm.participant_id == link.participant_id)).first(),
                actions=list(s.exec(select(Action).where(Action.conference_id == conference.id,
                                                         Action.owner == ActionOwner.FAMILY)
                                    .order_by(Action.created_at, Action.id))))


@bp.get("/copy/<token>")
def family_copy(token: str):
    link = _open_or_refuse(token, LinkKind.FAMILY)
    service.log_opening(db.session(), link)
    response = current_app.make_response(render_template(
        "links/family.html", picture_src=lambda f: url_for("links.family_picture", token=token, file_id=f.id),
        **_family_view(link)))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/copy/<token>/pictures/<int:file_id>")
def family_picture(token: str, file_id: int):
    link = _open_or_refuse(token, LinkKind.FAMILY)
    s = db.session()
    f = s.get(RecordFile, file_id)
    slide = s.get(RecordSlide, f.record_slide_id) if f else None
    if slide is None or slide.conference_id != link.conference_id or slide.withheld:
        abort(404)
    return stored_file(f.path, f.mime)


def family_links_of(conference: Conference) -> str:
    """On the record's page: the family copies handed out, with a way to withdraw each."""
    s = db.session()
    links = service.of_student(s, conference.owner_id, LinkKind.FAMILY, conference.id)
    if not links:
        return ""
    return render_template("links/_list.html", links=links, opened=service.openings(s, [k.id for k in links]),
                           status=service.status, title=_("Family copies"), back="record")


# ---- shared selections --------------------------------------------------------------------------------

def _own_items(student_id: int) -> list[PortfolioItem]:
    return list(db.session().exec(select(PortfolioItem).where(PortfolioItem.owner_id == student_id)
                                  .order_by(PortfolioItem.made_on.desc(), PortfolioItem.id.desc())))


def portfolio_link(owner: User) -> str:
    if not access.may_see_work(current_user, owner.id):
        return ""
    return render_template("links/_portfolio_link.html", owner=owner)


def _student_or_404(student_id: int) -> User:
    student = db.session().get(User, student_id)
    if student is None or not student.is_student or not access.may_see_work(current_user, student.id):
        abort(404)
    return student


@bp.route("/students/<int:student_id>/links", methods=["GET", "POST"])
@login_required
def shared(student_id: int):
    """A student's private links (shared selections and family copies); the student makes new selections."""
    s = db.session()
    student = _student_or_404(student_id)
    form, made = ShareForm(), None
    form.items.choices = [SelectChoice(i.id, i.title) for i in _own_items(student.id)]
    status = 200
    if request.method == "POST":
        if not access.may_change_work(current_user, student.id):
            return refuse(403, _("Only the student shares their work."))
        if form.validate_on_submit():
            _link, token = service.make(s, LinkKind.SELECTION, student.id, form.days.data, label=form.label.data,
                                        created_by_id=current_user.id, item_ids=form.items.data)
            made = url_for("links.selection", token=token, _external=True)
            form = ShareForm(formdata=None)
            form.items.choices = [SelectChoice(i.id, i.title) for i in _own_items(student.id)]
            status = 201
        else:
            status = 422
    selections = service.of_student(s, student.id, LinkKind.SELECTION)
    families = service.of_student(s, student.id, LinkKind.FAMILY)
    ids = [k.id for k in selections + families]
    return render_template("links/shared.html", student=student, form=form, made=made, selections=selections,
                           families=families, opened=service.openings(s, ids), status=service.status,
                           may_share=access.may_change_work(current_user, student.id)), status


@bp.post("/links/<int:link_id>/withdraw")
@login_required
def withdraw(link_id: int):
    """The student or their coach withdraws a link: it stops working at once."""
    link = access.get_or_404(PrivateLink, link_id, lambda k: access.may_see_work(current_user, k.student_id))
    if not LinkForm().validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    service.withdraw(db.session(), link)
    flash(_("The link no longer works."), "success")
    back = url_for("records.record", conference_id=link.conference_id) if link.kind == LinkKind.FAMILY and \
        request.form.get("back") == "record" else url_for("links.shared", student_id=link.student_id)
    return redirect(back, code=303)


@bp.get("/s/<token>")
def selection(token: str):
    link = _open_or_refuse(token, LinkKind.SELECTION)
    s = db.session()
    service.log_opening(s, link)
    ids = service.item_ids_of(s, link.id)
    found = {i.id: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.id.in_(ids)))} if ids else {}
    chosen = [found[i] for i in ids if i in found]
    files = {i.id: portfolio_items.files_of(s, i.id) for i in chosen}
    response = current_app.make_response(render_template(
        "links/selection.html", link=link, items=chosen, files=files, owner=s.get(User, link.student_id),
        file_src=lambda f: url_for("links.selection_file", token=token, file_id=f.id)))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/s/<token>/files/<int:file_id>")
def selection_file(token: str, file_id: int):
    link = _open_or_refuse(token, LinkKind.SELECTION)
    s = db.session()
    media = s.get(MediaFile, file_id)
    if media is None or media.item_id not in service.item_ids_of(s, link.id):
        abort(404)
    return stored_file(media.path, media.mime, cache="private, no-store")


"""The e-Portfolio day's pages: the admin sets it up, schedules it, prints and emails the invitations; a coach
sees their students' slots, answers and, on the day, their conferences; a student chooses their presentation
and writes to their family; a family answers its invitation and, on the day, lands in the conference.

Who may (see also access.py): the admin every day and slot; a coach the slots of their students; a student
their own slot; a family only its own invitation (the signed token), and on the day only that day.
"""

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlmodel import select
from wtforms.fields.choices import SelectChoice

from .. import db, languages
from ..answers import changed, refuse
from ..auth.guards import role_required
from ..live import codes
from ..models import (CoachWindow, Conference, DaySpace, Family, FamilyAway, FamilyStudent, Invitation,
                      PortfolioDay, Presentation, Role, Slot, TutorGroup, User)
from ..network import join_base
from . import bp, mail, scheduler, service
from .access import day_for_admin, day_for_staff, may_see_slot, slot_for_student
from .forms import (BookForm, DayForm, FamilyEditForm, FamilyForm, MoveForm, ScheduleForm, ShiftForm, SlotForm,
                    SwapForm, minutes)


def reasons() -> dict[str, str]:
    return {scheduler.NO_COACH: _("has no coach"),
            scheduler.COACH_UNAVAILABLE: _("their coach is not available on the day"),
            scheduler.FAMILY_UNAVAILABLE: _("the family is away whenever the coach is free"),
            scheduler.COACH_FULL: _("their coach has no free time left"),
            scheduler.SPACES_FULL: _("every space is full when the coach and family could"),
            scheduler.NO_BLOCK: _("no back-to-back times for the siblings")}


def conflict_names() -> dict[str, str]:
    return {scheduler.C_COACH: _("the coach has too many conferences at once"),
            scheduler.C_SPACE: _("the space is over capacity"),
            scheduler.C_COACH_AWAY: _("the coach is not available then"),
            scheduler.C_FAMILY_AWAY: _("the family said they cannot come then"),
            scheduler.C_SIBLINGS: _("siblings are not back to back"),
            scheduler.C_TIME: _("not one of the day’s times or spaces")}


def status_names() -> dict[str, str]:
    return {"waiting": _("Waiting"), "arrived": _("Arrived"), "live": _("Live"), "ended": _("Ended"),
            "no_show": _("No-show")}


def answer_names() -> dict[str, str]:
    return {"": _("No answer yet"), "coming": _("Coming"), "cannot": _("Cannot come"),
            "other_time": _("Needs another time")}


def who_names() -> dict[str, str]:
    return {"parent": _("Parent"), "carer": _("Carer"), "grandparent": _("Grandparent"), "other": _("Someone else")}


def _qr_svg(url: str) -> Markup:
    """The QR code inline in a printed letter (without the SVG file's XML declaration)."""
    svg = codes.qr_svg(url)
    return Markup(svg[svg.index("<svg"):])


def _helpers(day: PortfolioDay) -> dict:
    return dict(at=lambda m: service.at(day, m), hhmm=service.hhmm, reasons=reasons(),
                conflict_names=conflict_names(), status_names=status_names(), answer_names=answer_names(),
                who_names=who_names())


# ---- the list of days --------------------------------------------------------------------------------------

@bp.get("/days/")
@login_required
def days():
    s = db.session()
    all_days = list(s.exec(select(PortfolioDay).order_by(PortfolioDay.held_on.desc(), PortfolioDay.id.desc())))
    mine = []
    if current_user.is_student:
        mine = list(s.exec(select(Slot).where(Slot.student_id == current_user.id)))
        ids = {sl.day_id for sl in mine}
        all_days = [d for d in all_days if d.id in ids]
    elif current_user.is_coach:
        ids = set(s.exec(select(Slot.day_id).where(Slot.coach_id == current_user.id)))
        all_days = [d for d in all_days if d.id in ids]
    return render_template("days/list.html", days=all_days, slots={sl.day_id: sl for sl in mine})


# ---- the admin sets up a day -------------------------------------------------------------------------------

def _groups_choices(form: DayForm) -> None:
    form.groups.choices = [SelectChoice(g.id, g.name) for g in
                           db.session().exec(select(TutorGroup).order_by(TutorGroup.name))]


def _save_day(form: DayForm, day: PortfolioDay | None) -> PortfolioDay | str:
    """The form into the day (spaces kept by name, so that slots keep theirs); an error message otherwise."""
    s = db.session()
    coaches = {u.username: u.id for u in s.exec(select(User).where(User.role == Role.COACH))}
    unknown = [who for who, _r in form.parsed_windows if who not in coaches]
    if unknown:
        return _("No coach with the username %(names)s.", names=", ".join(unknown))
    families = {f.key.lower(): f.id for f in s.exec(select(Family))}
    unknown = [who for who, _r in form.parsed_away if who not in families]
    if unknown:
        return _("No family with the key %(names)s.", names=", ".join(unknown))
    day = day or PortfolioDay(name="", held_on=form.held_on.data)
    day.name, day.held_on = form.name.data.strip(), form.held_on.data
    day.starts_min, day.ends_min = minutes(form.starts.data), minutes(form.ends.data)
    day.slot_minutes, day.changeover_minutes = form.slot_minutes.data, form.changeover_minutes.data
    day.coach_capacity, day.booking = form.coach_capacity.data, form.booking.data
    day.group_ids = ",".join(str(g) for g in form.groups.data)
    s.add(day)
    s.flush()
    service.set_spaces(s, day, form.parsed_spaces)
    for model in (CoachWindow, FamilyAway):
        for row in s.exec(select(model).where(model.day_id == day.id)):
            s.delete(row)
    s.add_all([CoachWindow(day_id=day.id, coach_id=coaches[who], starts_min=a, ends_min=b)
               for who, ranges in form.parsed_windows for a, b in ranges])
    s.add_all([FamilyAway(day_id=day.id, family_id=families[who], starts_min=a, ends_min=b)
               for who, ranges in form.parsed_away for a, b in ranges])
    s.commit()
    return day


def _day_form_page(form, day, status=200, error=""):
    return render_template("days/edit.html", form=form, day=day, error=error), status


@bp.route("/days/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_day():
    form = DayForm()
    _groups_choices(form)
    if request.method == "GET":
        form.spaces.data = form.spaces.data or "Room 1: 2"
    if form.validate_on_submit():
        saved = _save_day(form, None)
        if isinstance(saved, str):
            return _day_form_page(form, None, 422, saved)
        flash(_("The day is set up. Schedule it when the groups and coaches are right."), "success")
        return redirect(url_for("days.schedule", day_id=saved.id), code=303)
    return _day_form_page(form, None, 422 if request.method == "POST" else 200)


@bp.route("/days/<int:day_id>/edit", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_day(day_id: int):
    s = db.session()
    day = day_for_admin(day_id)
    form = DayForm()
    _groups_choices(form)
    if request.method == "GET":
        coaches = {u.id: u.username for u in s.exec(select(User).where(User.role == Role.COACH))}
        families = {f.id: f.key for f in s.exec(select(Family))}

        def lines(model, names, column):
            by: dict[str, list[str]] = {}
            for row in s.exec(select(model).where(model.day_id == day.id).order_by(model.id)):
                by.setdefault(names.get(getattr(row, column), "?"), []).append(
                    f"{service.hhmm(row.starts_min)}-{service.hhmm(row.ends_min)}")
            return "\n".join(f"{k} {', '.join(v)}" for k, v in by.items())
        from datetime import time
        form.name.data, form.held_on.data = day.name, day.held_on
        form.starts.data = time(day.starts_min // 60, day.starts_min % 60)
        form.ends.data = time(min(day.ends_min, 1439) // 60, min(day.ends_min, 1439) % 60)
        form.slot_minutes.data, form.changeover_minutes.data = day.slot_minutes, day.changeover_minutes
        form.coach_capacity.data, form.groups.data = day.coach_capacity, day.groups
        form.booking.data = day.booking
        form.spaces.data = "\n".join(f"{sp.name}: {sp.capacity}" for sp in service.spaces_of(s, day))
        form.coach_windows.data = lines(CoachWindow, coaches, "coach_id")
        form.family_away.data = lines(FamilyAway, families, "family_id")
    elif form.validate_on_submit():
        saved = _save_day(form, day)
        if isinstance(saved, str):
            return _day_form_page(form, day, 422, saved)
        flash(_("Saved. Check the conflicts, or schedule again."), "success")
        return redirect(url_for("days.schedule", day_id=day.id), code=303)
    return _day_form_page(form, day, 422 if request.method == "POST" else 200)


# ---- the schedule ------------------------------------------------------------------------------------------

def _rows(day: PortfolioDay, slots: list[Slot]) -> list[dict]:
    s = db.session()
    users = {u.id: u for u in s.exec(select(User).where(User.id.in_(
        [sl.student_id for sl in slots] + [sl.coach_id for sl in slots if sl.coach_id])))} if slots else {}
    spaces = {sp.id: sp for sp in service.spaces_of(s, day)}
    families = service.family_of(s, [sl.student_id for sl in slots])
    invitations = {i.family_id: i for i in service.invitations_of(s, day)}
    presentations = {p.id: p for p in s.exec(select(Presentation).where(Presentation.id.in_(
        [sl.presentation_id for sl in slots if sl.presentation_id])))} if slots else {}
    return [dict(slot=sl, student=users.get(sl.student_id), coach=users.get(sl.coach_id),
                 space=spaces.get(sl.space_id), invitation=invitations.get(families.get(sl.student_id)),
                 presentation=presentations.get(sl.presentation_id)) for sl in slots]


def _visible_slots(day: PortfolioDay) -> list[Slot]:
    slots = service.slots_of(db.session(), day)
    return slots if current_user.is_admin else [sl for sl in slots if may_see_slot(current_user, sl)]


def _schedule_context(day: PortfolioDay, **extra) -> dict:
    s = db.session()
    slots = _visible_slots(day)
    rows = _rows(day, slots)
    found = service.conflicts(s, day)
    visible = {sl.student_id for sl in slots}
    by_student: dict[int, list[str]] = {}
    for c in found:
        if c.student_id in visible:
            by_student.setdefault(c.student_id, []).append(c.kind)
    spaces = service.spaces_of(s, day)
    times = service.plain_day(s, day).times
    placed = [r for r in rows if r["slot"].starts_min is not None]
    groups = [g for g in s.exec(select(TutorGroup).where(TutorGroup.id.in_(day.groups)).order_by(TutorGroup.name))] \
        if day.groups else []
    move = MoveForm(formdata=None)
    move.starts.choices = [SelectChoice(t, service.hhmm(t)) for t in times]
    move.space.choices = [SelectChoice(sp.id, sp.name) for sp in spaces]
    swap = SwapForm(formdata=None)
    swap.a.choices = swap.b.choices = [SelectChoice(r["slot"].id, r["student"].display_name) for r in placed]
    if len(placed) > 1:  # two different students to start with (the same one twice is refused)
        swap.a.data, swap.b.data = placed[0]["slot"].id, placed[1]["slot"].id
    return dict(day=day, rows=rows, placed=placed, unplaced=[r for r in rows if r["slot"].starts_min is None],
                conflicts=by_student, spaces=spaces, times=times, groups=groups, move=move, swap=swap,
                shift=ShiftForm(formdata=None), schedule_form=ScheduleForm(formdata=None),
                smtp=mail.configured(), unanswered=sum(1 for r in rows if r["invitation"] and
                                                       not r["invitation"].answer),
                **_helpers(day), **extra)


@bp.get("/days/<int:day_id>")
@login_required
def schedule(day_id: int):
    day = day_for_staff(day_id)
    return render_template("days/schedule.html", **_schedule_context(day))


@bp.post("/days/<int:day_id>/schedule")
@role_required(Role.ADMIN)
def auto_schedule(day_id: int):
    day = day_for_admin(day_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    result = service.auto_schedule(db.session(), day, start_again=form.start_again.data)
    if result.unplaced:
        flash(_("%(placed)s students placed; %(unplaced)s could not be: see below why.",
                placed=len(result.placed), unplaced=len(result.unplaced)), "error")
    else:
        flash(_("Every student is placed (%(placed)s).", placed=len(result.placed)), "success")
    return redirect(url_for("days.schedule", day_id=day.id), code=303)


def _schedule_changed(day: PortfolioDay, message: str, anchor: str = ""):
    """After a move, swap or shift: the schedule's fragment for htmx (it replaces itself), else a flash and the
    page."""
    return changed("days/_schedule.html", url_for("days.schedule", day_id=day.id) + anchor, message,
                   **_schedule_context(day, done=message))


def _refused_change(day, change) -> object:
    names = conflict_names()
    users = {u.id: u.display_name for u in db.session().exec(select(User).where(User.id.in_(
        [c.student_id for c in change.conflicts])))}
    text = "; ".join(f"{users.get(c.student_id, '?')}: {names[c.kind]}" for c in change.conflicts)
    return refuse(409, _("Not changed, it would break the day: %(what)s.", what=text))


def _slot_of_day(day: PortfolioDay, slot_id: int) -> Slot:
    slot = db.session().get(Slot, slot_id)
    if slot is None or slot.day_id != day.id:
        abort(404)
    return slot


@bp.post("/days/<int:day_id>/open")
@role_required(Role.ADMIN)
def open_booking(day_id: int):
    """A booking day: the invitations are made before anyone is placed; families choose, the app fills the rest."""
    day = day_for_admin(day_id)
    if not ScheduleForm().validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    if not day.booking:
        return refuse(409, _("Families do not choose their time on this day: schedule it instead."))
    service.open_booking(db.session(), day)
    flash(_("Booking is open: print or send the invitations; families choose their time through them."), "success")
    return redirect(url_for("days.schedule", day_id=day.id), code=303)


@bp.post("/days/<int:day_id>/slots/<int:slot_id>/move")
@role_required(Role.ADMIN)
def move(day_id: int, slot_id: int):
    s = db.session()
    day = day_for_admin(day_id)
    slot = _slot_of_day(day, slot_id)
    form = MoveForm()
    form.starts.choices = [SelectChoice(t, service.hhmm(t)) for t in service.plain_day(s, day).times]
    form.space.choices = [SelectChoice(sp.id, sp.name) for sp in service.spaces_of(s, day)]
    if not form.validate_on_submit():
        return refuse(422, _("Choose one of the day’s times and spaces."))
    change = service.move(s, day, slot, form.starts.data, form.space.data)
    if not change.ok:
        return _refused_change(day, change)
    return _schedule_changed(day, _("Moved."), f"#slot-{slot.id}")


@bp.post("/days/<int:day_id>/swap")
@role_required(Role.ADMIN)
def swap(day_id: int):
    s = db.session()
    day = day_for_admin(day_id)
    form = SwapForm()
    ids = [sl.id for sl in service.slots_of(s, day) if sl.starts_min is not None]
    form.a.choices = form.b.choices = [SelectChoice(i, str(i)) for i in ids]
    if not form.validate_on_submit() or form.a.data == form.b.data:
        return refuse(422, _("Choose two different students with a slot."))
    change = service.swap(s, day, _slot_of_day(day, form.a.data), _slot_of_day(day, form.b.data))
    if not change.ok:
        return _refused_change(day, change)
    return _schedule_changed(day, _("Swapped."))


@bp.post("/days/<int:day_id>/shift")
@role_required(Role.ADMIN)
def shift(day_id: int):
    day = day_for_admin(day_id)
    form = ShiftForm()
    if not form.validate_on_submit():
        return refuse(422, " ".join(str(e) for e in form.minutes.errors) or _("Say by how many minutes."))
    if day.starts_min + form.minutes.data < 0 or day.ends_min + form.minutes.data > 24 * 60:
        return refuse(422, _("The day would leave the calendar day."))
    change = service.shift(db.session(), day, form.minutes.data)
    if not change.ok:
        return _refused_change(day, change)
    return _schedule_changed(day, _("The whole day moved by %(n)s minutes.", n=form.minutes.data))


@bp.post("/days/<int:day_id>/slots/<int:slot_id>/rebook")
@role_required(Role.ADMIN, Role.COACH)
def rebook(day_id: int, slot_id: int):
    """A no-show: a new slot later on the day and a new invitation (the old link stops working)."""
    day = day_for_staff(day_id)
    slot = _slot_of_day(day, slot_id)
    if not may_see_slot(current_user, slot):
        abort(404)
    if not ScheduleForm().validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    if not service.rebook(db.session(), day, slot):
        return refuse(409, _("There is no free time left on the day for this student and their coach."))
    flash(_("A new slot at %(time)s; print or send the new invitation.", time=service.hhmm(slot.starts_min)),
          "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("days.schedule", day_id=day.id), code=303)


# ---- invitations: print, email --------------------------------------------------------------------------

@bp.get("/days/<int:day_id>/print")
@role_required(Role.ADMIN)
def print_invitations(day_id: int):
    """One A4 page per family, for a whole group (or the whole day), each in the family's language."""
    s = db.session()
    day = day_for_admin(day_id)
    group_id = request.args.get("group", type=int)
    slots = [sl for sl in service.slots_of(s, day) if sl.starts_min is not None or day.booking]
    if group_id:
        in_group = set(s.exec(select(User.id).where(User.tutor_group_id == group_id)))
        slots = [sl for sl in slots if sl.student_id in in_group]
    families = service.family_of(s, [sl.student_id for sl in slots])
    invitations = [i for i in service.invitations_of(s, day) if i.family_id in set(families.values())
                   and not (request.args.get("unanswered") and i.answer)]
    base, _problem = join_base()
    spaces_by_id = {sp.id: sp.name for sp in service.spaces_of(s, day)}
    pages = []
    for invitation in invitations:
        # a QR code is a few milliseconds of CPU: between letters the event loop serves the conferences
        # running meanwhile, so printing a whole day's letters never holds up a slide change for long
        current_app.extensions["socketio"].sleep(0)
        family = s.get(Family, invitation.family_id)
        with force_locale(languages.valid(family.language) or "en"):
            letter = service.letter(s, invitation)
            url = mail.invitation_url(invitation, base)
            pages.append(Markup(render_template(
                "days/_letter.html", day=day, letter=letter, url=url, qr=_qr_svg(url), **mail.typed(invitation, base),
                lang=languages.html_lang(family.language), spaces_by_id=spaces_by_id,
                dir="rtl" if family.language in languages.RIGHT_TO_LEFT else "ltr", **_helpers(day))))
    group = s.get(TutorGroup, group_id) if group_id else None
    return render_template("days/print.html", day=day, pages=pages, group=group)


@bp.post("/days/<int:day_id>/send")
@role_required(Role.ADMIN)
def send(day_id: int):
    s = db.session()
    day = day_for_admin(day_id)
    if not ScheduleForm().validate_on_submit():
        return refuse(400, _("This form is out of date. Reload the page and try again."))
    if not mail.configured():
        return refuse(409, _("Email is not set up on this server (SMTP_URL): print the invitations instead."))
    base, _problem = join_base()
    try:
        sent = mail.send_invitations(s, day, base, again_unanswered=request.form.get("again") == "1")
    except mail.MailError:
        return refuse(503, _("The email server (SMTP_URL) did not answer: nothing was sent. Try again later, or "
                             "print the invitations."))
    flash(_("%(n)s invitations sent by email.", n=sent), "success")
    return redirect(url_for("days.schedule", day_id=day.id), code=303)


# ---- families --------------------------------------------------------------------------------------------

@bp.route("/families/<int:family_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def family(family_id: int):
    s = db.session()
    family = s.get(Family, family_id)
    if family is None:
        abort(404)
    form = FamilyEditForm(obj=family)
    form.language.choices = [SelectChoice(c, languages.own_name(c)) for c in languages.LANGUAGES]
    students = list(s.exec(select(User).join(FamilyStudent, FamilyStudent.student_id == User.id)
                           .where(FamilyStudent.family_id == family.id).order_by(User.display_name)))
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            family.display_name = (form.display_name.data or "").strip()
            family.language, family.email = form.language.data, (form.email.data or "").strip()
            s.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("days.family", family_id=family.id), code=303)
        status = 422
    return render_template("days/family.html", family=family, form=form, students=students,
                           name=service.family_name(family, students)), status


# ---- the coach's day ---------------------------------------------------------------------------------------

@bp.get("/days/<int:day_id>/coach")
@role_required(Role.ADMIN, Role.COACH)
def coach_day(day_id: int):
    """The coach's conferences of the day in time order: space, presentation, the family's answer, status."""
    s = db.session()
    day = day_for_staff(day_id)
    coach_id = current_user.id if current_user.is_coach else request.args.get("coach", type=int)
    slots = [sl for sl in service.slots_of(s, day) if sl.starts_min is not None
             and (coach_id is None or sl.coach_id == coach_id)]
    rows = _rows(day, slots)
    for row in rows:
        conference = service.link_conference(s, day, row["slot"])
        row["conference"] = conference
        if row["presentation"] is None and conference is not None:
            row["presentation"] = s.get(Presentation, conference.presentation_id)
        row["status"] = service.status(s, day, row["slot"], conference)
    coach = s.get(User, coach_id) if coach_id else None
    response = current_app.make_response(render_template(
        "days/coach.html", day=day, rows=rows, coach=coach, form=ScheduleForm(formdata=None), **_helpers(day)))
    if service.today() == day.held_on:
        response.headers["Refresh"] = "30"  # on the day, the states follow by themselves
    return response


# ---- the student's own slot ------------------------------------------------------------------------------

@bp.route("/slots/<int:slot_id>", methods=["GET", "POST"])
@login_required
def slot(slot_id: int):
    s = db.session()
    slot = slot_for_student(slot_id)
    day = s.get(PortfolioDay, slot.day_id)
    form = SlotForm(obj=None if request.method == "POST" else slot)
    own = list(s.exec(select(Presentation).where(Presentation.owner_id == current_user.id)
                      .order_by(Presentation.updated_at.desc())))
    form.presentation.choices = [SelectChoice(0, _("Not chosen yet"))] + [SelectChoice(p.id, p.title) for p in own]
    if request.method == "GET":
        form.presentation.data = slot.presentation_id or 0
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            slot.presentation_id = form.presentation.data or None
            slot.message = form.message.data or ""
            s.commit()
            flash(_("Saved: your family’s invitation shows your message."), "success")
            return redirect(url_for("days.slot", slot_id=slot.id), code=303)
        status = 422
    rows = _rows(day, [slot])
    return render_template("days/slot.html", day=day, row=rows[0], form=form, **_helpers(day)), status


# ---- the family: the invitation link -----------------------------------------------------------------------

def _invitation_or_refuse(token: str) -> tuple[Invitation, PortfolioDay]:
    s = db.session()
    invitation = service.invitation_of_token(s, token)
    if invitation is None:
        abort(refuse(404, _("This invitation link does not work. Check it against the letter, or ask the "
                            "school for a new one."), title=_("Unknown invitation")))
    day = s.get(PortfolioDay, invitation.day_id)
    if service.today() > day.held_on:
        abort(refuse(410, _("This e-Portfolio day is over. Thank you!"), title=_("This day is over")))
    return invitation, day


def _book_form(s, day, invitation, formdata=None) -> BookForm | None:
    """A booking day, before the day: the times this family may choose (a posted one is checked against all the
    day's times: one taken since the page was drawn is refused by `service.book`, saying so)."""
    if not day.booking or service.today() >= day.held_on:
        return None
    spaces = {sp.id: sp.name for sp in service.spaces_of(s, day)}
    form = BookForm(formdata=formdata)
    if formdata is not None:
        form.starts.choices = [SelectChoice(t, service.hhmm(t)) for t in service.plain_day(s, day).times]
        return form
    letter = service.letter(s, invitation)
    first = {u.id: u.display_name.split()[0] for u in letter.students}
    named = len(first) > 1  # siblings: whose time is which

    def label(chosen):
        return " · ".join(f"{first[sid] + ' ' if named else ''}{service.hhmm(m)} ({spaces[sp]})"
                          for sid, m, sp in chosen)
    form.starts.choices = [SelectChoice(t, label(chosen))
                           for t, chosen in service.booking_options(s, day, invitation).items()]
    return form


def _family_page(token, invitation, day, form, status=200, book=None):
    s = db.session()
    letter = service.letter(s, invitation)
    on_the_day = service.today() == day.held_on
    book = book or _book_form(s, day, invitation)
    response = current_app.make_response((render_template(
        "days/invitation.html", token=token, day=day, letter=letter, form=form, on_the_day=on_the_day, book=book,
        spaces={sp.id: sp for sp in service.spaces_of(s, day)}, at=lambda m: service.at(day, m),
        answer_names=answer_names()), status))
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    if on_the_day:
        response.headers["Refresh"] = "20"  # the page becomes the join page once the lobby opens
    return response


@bp.route("/i/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Before the day: the invitation and the answer. On the day: "Amara's conference starts at 10:20 in
    Room 4", then, once the student opens the lobby, the join page. After the day: 410."""
    s = db.session()
    invitation, day = _invitation_or_refuse(token)
    family = s.get(Family, invitation.family_id)
    if request.method == "GET" and not request.args.get("lang") and not session.get(languages.SESSION_KEY):
        session[languages.SESSION_KEY] = languages.valid(family.language) or languages.DEFAULT
        refresh()  # this page too, in the family's language
    if request.method == "GET" and service.today() == day.held_on:
        for sl in service.letter(s, invitation).slots:
            conference = service.link_conference(s, day, sl)
            if conference is not None and conference.is_open:
                return redirect(url_for("live.join", code=conference.code), code=303)
    form = FamilyForm(formdata=None if request.method == "GET" else request.form)
    form.set_languages(languages.name)
    if request.method == "GET":
        form.answer.data = invitation.answer or None
        form.count.data = invitation.coming_count or 1
        form.who.data = [w for w in invitation.who.split(",") if w]
        form.interpreter.data, form.note.data = invitation.interpreter, invitation.note
        return _family_page(token, invitation, day, form)
    if not form.validate_on_submit():
        return _family_page(token, invitation, day, form, 422)
    service.answer(s, invitation, form.answer.data, form.count.data, form.who.data or [],
                   form.interpreter.data or "", form.note.data or "")
    flash(_("Thank you: the school has your answer. You can change it here until the day."), "success")
    return redirect(url_for("days.invitation", token=token), code=303)


def code_typed(code: str):
    """The invitation's printed code, typed in the "Have a code?" box: its invitation page (the same as the QR
    code's), while its day is not over."""
    invitation = service.invitation_of_code(db.session(), code)
    if invitation is None:
        return None
    return redirect(url_for("days.invitation", token=service.token_of(invitation)), code=303)


@bp.post("/i/<token>/book")
def book(token: str):
    """A family chooses its time (a booking day, until the day before): all its children back to back."""
    s = db.session()
    invitation, day = _invitation_or_refuse(token)
    form = _book_form(s, day, invitation, request.form)
    answer = FamilyForm(formdata=None)
    answer.set_languages(languages.name)
    if form is None:
        return refuse(409, _("The times can no longer be chosen here. Please ask the school."))
    if not form.validate_on_submit():
        return _family_page(token, invitation, day, answer, 422, book=form)
    if not service.book(s, day, invitation, form.starts.data):
        form = _book_form(s, day, invitation)
        form.starts.errors = [_("This time has just been taken: please choose another.")]
        form.starts.data = None
        return _family_page(token, invitation, day, answer, 409, book=form)
    flash(_("Your time is booked. You can still change it here until the day."), "success")
    return redirect(url_for("days.invitation", token=token), code=303)


# ---- the record leads back to its slot -----------------------------------------------------------------------

def record_slot(conference: Conference) -> str:
    s = db.session()
    slot = s.exec(select(Slot).where(Slot.conference_id == conference.id)).first()
    if slot is None or not (may_see_slot(current_user, slot) or current_user.id == slot.student_id):
        return ""
    day = s.get(PortfolioDay, slot.day_id)
    space = s.get(DaySpace, slot.space_id) if slot.space_id else None
    return render_template("days/_record_slot.html", day=day, slot=slot, space=space, **_helpers(day))

"""Growth: the framework (admin), evidence and self-assessment on an item, versions, spoken reflections, the
growth page, and growth slides in the editor."""
import hmac

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, db
from ..answers import errors_of, refuse
from ..auth.guards import role_required
from ..extensions import htmx
from ..goals.goals import all_goals
from ..media.pipeline import Rejected
from ..models import Competency, Goal, PortfolioItem, Role, ScaleStep, Slide, SlideCompetency, SlideKind, User
from ..portfolio.access import can_approve, can_edit, can_see_portfolio, can_view, item_or_404
from ..portfolio.items import item_changed, thumbs_for
from ..presentations import ordering
from ..presentations.access import editable_or_abort
from . import bp, evidence, framework, versions, voice
from .forms import (AssessForm, CompetencyForm, ConfirmImportForm, GoalCompetencyForm, GrowthSlideForm, ImportForm,
                    OnSlideForm, ScaleForm, ThenNowSlideForm, VersionForm, VoiceForm, voice_form)


def _work_changed(item: PortfolioItem) -> None:
    """What slides show of this student's work changed: open conferences draw their slides again."""
    item_changed.send(current_app._get_current_object(), item_id=item.id, owner_id=item.owner_id)


# ---- the framework (admin) ---------------------------------------------------------------------------------

def _framework_page(status: int = 200, **forms):
    s = db.session()
    steps = framework.scale(s)
    scale_form = forms.pop("scale_form", None) or ScaleForm(formdata=None, data={"steps": [st.name for st in steps]})
    for n, entry in enumerate(scale_form.steps, 1):
        entry.label.text = _("Step %(n)s", n=n)
    return render_template("growth/framework.html", groups=framework.groups(s), steps=steps, scale_form=scale_form,
                           add_form=forms.pop("add_form", None) or CompetencyForm(formdata=None),
                           import_form=forms.pop("import_form", None) or ImportForm(formdata=None),
                           **forms), status


@bp.get("/framework")
@role_required(Role.ADMIN)
def framework_page():
    return _framework_page()


@bp.post("/framework/scale")
@role_required(Role.ADMIN)
def rename_steps():
    s = db.session()
    steps = framework.scale(s)
    form = ScaleForm()
    if not form.validate_on_submit() or len(form.steps.data) != len(steps):
        return _framework_page(422, scale_form=form)
    for step, name in zip(steps, form.steps.data):
        step.name = name
    s.commit()
    flash(_("The scale is saved."), "success")
    return redirect(url_for("growth.framework_page"), code=303)


@bp.post("/framework/competencies")
@role_required(Role.ADMIN)
def add_competency():
    form = CompetencyForm()
    if not form.validate_on_submit():
        return _framework_page(422, add_form=form)
    s = db.session()
    competency = framework.put(s, form.group.data, form.name.data, form.description.data)
    s.commit()
    flash(_("Saved “%(name)s”.", name=competency.name), "success")
    return redirect(url_for("growth.framework_page"), code=303)


@bp.post("/framework/competencies/<int:competency_id>")
@role_required(Role.ADMIN)
def edit_competency(competency_id: int):
    s = db.session()
    competency = access.get_or_404(Competency, competency_id, lambda c: True)
    form = CompetencyForm()
    if not form.validate_on_submit():
        return refuse(422, errors_of(form))
    group = framework.group_named(s, form.group.data)
    competency.group_id, competency.name, competency.description = group.id, form.name.data, form.description.data
    s.flush()
    framework.remove_empty_groups(s)
    s.commit()
    flash(_("Saved “%(name)s”.", name=competency.name), "success")
    return redirect(url_for("growth.framework_page"), code=303)


@bp.post("/framework/competencies/<int:competency_id>/delete")
@role_required(Role.ADMIN)
def delete_competency(competency_id: int):
    s = db.session()
    competency = access.get_or_404(Competency, competency_id, lambda c: True)
    name = competency.name
    evidence.forget_competency(s, competency)
    s.delete(competency)
    s.flush()
    framework.remove_empty_groups(s)
    s.commit()
    flash(_("Deleted “%(name)s”.", name=name), "success")
    return redirect(url_for("growth.framework_page"), code=303)


@bp.post("/framework/import")
@role_required(Role.ADMIN)
def import_framework():
    """Step 1: read the file and show what it would make, and every bad row; nothing is stored."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _framework_page(422, import_form=form)
    text = framework.read_csv(form.file.data)
    if isinstance(text, framework.ImportPlan):
        return _import_preview(text, "", form.file.data.filename)
    return _import_preview(framework.plan_csv(db.session(), text), text, form.file.data.filename)


def _import_preview(plan: framework.ImportPlan, text: str, filename: str, status: int | None = None,
                    problem: str = ""):
    confirm = None if plan.errors else ConfirmImportForm(formdata=None, text=text, digest=plan.digest(text))
    return _framework_page(status or (422 if plan.errors else 200), preview=plan, confirm_form=confirm,
                           filename=filename, problem=problem)


@bp.post("/framework/import/confirm")
@role_required(Role.ADMIN)
def confirm_import():
    """Step 2: store the previewed file, all or nothing, if neither it nor the framework changed since."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash(_("Choose the file again: the preview had expired."), "error")
        return redirect(url_for("growth.framework_page"), code=303)
    s = db.session()
    plan = framework.plan_csv(s, form.text.data)
    if plan.errors or not hmac.compare_digest(plan.digest(form.text.data), form.digest.data):
        return _import_preview(plan, form.text.data, "", 409, problem=_(
            "The file or the framework changed since the preview, so nothing was imported. Check this preview "
            "and confirm again."))
    framework.apply(s, plan)
    flash(_("Imported: %(added)s new, %(updated)s updated.", added=plan.added, updated=plan.updated), "success")
    return redirect(url_for("growth.framework_page"), code=303)


# ---- on an item: evidence, self-assessment, versions, spoken reflection ---------------------------------------

def item_panel(item: PortfolioItem, **extra) -> str:
    """The growth panel of an item's page (point "portfolio.item"); the fragment every item route answers."""
    s = db.session()
    owner = can_edit(current_user, item)
    coach = can_approve(current_user, item)
    steps = framework.scale(s)
    comps = framework.competencies(s)
    links = evidence.for_item(s, item)
    chain = [(i, link) for i, link in versions.chain(s, item) if can_view(current_user, i)]
    assess = extra.pop("assess_form", None) or AssessForm(formdata=None)
    assess.competency_id.choices = [(c.id, c.name) for c in comps] if owner else \
        [(link.competency.id, link.competency.name) for link in links]
    assess.step_id.choices = [(st.id, st.name) for st in steps]
    version_form = extra.pop("version_form", None)
    candidates = versions.candidates(s, item) if owner else []
    if owner:
        version_form = version_form or VersionForm(formdata=None)
        version_form.earlier_id.choices = [(i.id, i.title) for i in candidates]
    spoken = voice.of_item(s, item.id)
    return render_template("growth/_item.html", item=item, is_owner=owner, is_coach=coach, steps=steps,
                           comps=comps, links=links, chain=chain, assess_form=assess, version_form=version_form,
                           candidates=candidates, spoken=spoken, thumbs=thumbs_for(s, [i.id for i, _l in chain]),
                           follows=any(i.id == item.id and link is not None for i, link in chain),
                           voice_form=extra.pop("voice_form", None) or VoiceForm(formdata=None),
                           why_forms={link.competency.id: voice_form(
                               f"why-{link.competency.id}-file", formdata=None,
                               label=_("Or choose a sound file that says why (%(name)s)", name=link.competency.name))
                               for link in links if link.own} if owner else {},
                           slide_form=OnSlideForm(formdata=None, on_slide=bool(spoken and spoken[0].on_slide)),
                           **extra)


def _answer(item: PortfolioItem, message: str = "", status: int = 200, **extra):
    url = url_for("portfolio.item", item_id=item.id) + "#growth"
    if htmx:
        return item_panel(item, message=message, error=status >= 400, **extra), status
    if status >= 400:
        return refuse(status, message)
    flash(message, "success")
    return redirect(url, code=303)


def _item_for(item_id: int, coach_may: bool = False) -> PortfolioItem:
    """The item if the signed-in student owns it (or, `coach_may`, is a coach of theirs on a shared item):
    404 for strangers, 403 for someone who may only look."""
    item = item_or_404(item_id, current_user)
    if not (can_edit(current_user, item) or (coach_may and can_approve(current_user, item))):
        abort(403)
    return item


@bp.post("/items/<int:item_id>/assess")
@login_required
def assess(item_id: int):
    """The student's own placement, or (a coach) their view beside the student's."""
    s = db.session()
    item = _item_for(item_id, coach_may=True)
    form = AssessForm()
    form.competency_id.choices = [(c.id, c.name) for c in framework.competencies(s)]
    form.step_id.choices = [(st.id, st.name) for st in framework.scale(s)]
    if not form.validate_on_submit():
        return _answer(item, errors_of(form), 422, assess_form=form)
    competency, step = s.get(Competency, form.competency_id.data), s.get(ScaleStep, form.step_id.data)
    is_owner = can_edit(current_user, item)
    if not is_owner and not any(link.competency.id == competency.id and link.own
                                for link in evidence.for_item(s, item)):
        return _answer(item, _("The student has not linked this work to “%(name)s”.", name=competency.name), 409)
    evidence.place(s, item, current_user, competency, step, form.why.data)
    _work_changed(item)
    return _answer(item, _("Saved: %(step)s in “%(name)s”.", step=step.name, name=competency.name))


@bp.post("/items/<int:item_id>/assess/<int:competency_id>/delete")
@login_required
def unassess(item_id: int, competency_id: int):
    """The student takes the link away (with every view of it); a coach takes their own view away."""
    s = db.session()
    item = _item_for(item_id, coach_may=True)
    if can_edit(current_user, item):
        evidence.unlink(s, item, competency_id)
    else:
        evidence.remove_view(s, item, current_user, competency_id)
    _work_changed(item)
    return _answer(item, _("Removed."))


@bp.post("/items/<int:item_id>/assess/<int:competency_id>/voice")
@login_required
def speak_why(item_id: int, competency_id: int):
    """The student's why, spoken (a recording from the browser or a sound file), beside their placement."""
    s = db.session()
    item = _item_for(item_id)
    form = VoiceForm()
    if not form.validate_on_submit():
        return _answer(item, errors_of(form), 400, speak_open=competency_id)
    assessment = evidence.own_placement(s, item, competency_id)
    if assessment is None:
        return _answer(item, _("Say where you are on the scale first, then why."), 409)
    try:
        evidence.speak_why(s, assessment, item, form.file.data.stream)
    except Rejected as e:
        return _answer(item, str(e), e.status if e.status < 500 else 422, speak_open=competency_id)
    return _answer(item, _("Your spoken why is kept."), 201)


@bp.post("/items/<int:item_id>/assess/<int:competency_id>/voice/delete")
@login_required
def unspeak_why(item_id: int, competency_id: int):
    s = db.session()
    item = _item_for(item_id)
    assessment = evidence.own_placement(s, item, competency_id)
    if assessment is None or assessment.spoken_media_id is None:
        return _answer(item, _("There is no spoken why to delete."), 404)
    evidence.unspeak_why(s, assessment)
    return _answer(item, _("Your spoken why is deleted."))


@bp.post("/items/<int:item_id>/version")
@login_required
def mark_version(item_id: int):
    s = db.session()
    item = _item_for(item_id)
    form = VersionForm()
    form.earlier_id.choices = [(i.id, i.title) for i in versions.candidates(s, item)]
    if not form.validate_on_submit():
        return _answer(item, errors_of(form), 422,
                       version_form=form)
    earlier = s.get(PortfolioItem, form.earlier_id.data)
    try:
        versions.link(s, item, earlier, form.changed.data)
    except versions.VersionError as e:
        return _answer(item, str(e), 409)
    _work_changed(item)
    return _answer(item, _("Marked as a new version of “%(title)s”.", title=earlier.title))


@bp.post("/items/<int:item_id>/version/delete")
@login_required
def unmark_version(item_id: int):
    item = _item_for(item_id)
    versions.unlink(db.session(), item)
    _work_changed(item)
    return _answer(item, _("This work no longer follows an earlier version."))


@bp.post("/items/<int:item_id>/voice")
@login_required
def keep_voice(item_id: int):
    """A recording from the browser, or a chosen sound file: stored like an audio upload."""
    item = _item_for(item_id)
    form = VoiceForm()
    if not form.validate_on_submit():
        return _answer(item, errors_of(form), 400)
    try:
        voice.keep(db.session(), item, form.file.data.stream)
    except Rejected as e:
        return _answer(item, str(e), e.status if e.status < 500 else 422)
    _work_changed(item)
    return _answer(item, _("Your spoken reflection is kept."), 201)


@bp.post("/items/<int:item_id>/voice/delete")
@login_required
def delete_voice(item_id: int):
    item = _item_for(item_id)
    voice.remove(db.session(), item)
    _work_changed(item)
    return _answer(item, _("Your spoken reflection is deleted."))


@bp.post("/items/<int:item_id>/voice/slide")
@login_required
def voice_on_slide(item_id: int):
    item = _item_for(item_id)
    form = OnSlideForm()
    if not form.validate_on_submit():
        return _answer(item, _("That did not work: try again."), 400)
    if voice.set_on_slide(db.session(), item, form.on_slide.data) is None:
        return _answer(item, _("Record your reflection first."), 409)
    _work_changed(item)
    return _answer(item, _("It plays on your slides.") if form.on_slide.data
                   else _("It plays on this page only."))


# ---- the growth page -----------------------------------------------------------------------------------------

def _growth_page(owner: User):
    s = db.session()
    histories = evidence.histories(s, current_user, owner)
    goals, tied, goal_form = [], {}, None
    if access.is_owner(current_user, owner.id):
        goals = all_goals(s, owner.id)
        tied = evidence.competency_of_goals(s, [g.id for g in goals])
        goal_form = GoalCompetencyForm(formdata=None)
    return render_template("growth/page.html", owner=owner, histories=histories, steps=framework.scale(s),
                           comps=framework.competencies(s), goals=goals, tied=tied, goal_form=goal_form)


@bp.get("/")
@role_required(Role.STUDENT)
def mine():
    return _growth_page(current_user)


@bp.get("/students/<int:student_id>")
@login_required
def student(student_id: int):
    owner = db.session().get(User, student_id)
    if owner is None or not can_see_portfolio(current_user, owner):
        abort(404)
    return _growth_page(owner)


@bp.post("/goals/<int:goal_id>")
@role_required(Role.STUDENT)
def tie_goal(goal_id: int):
    """The student ties one of their goals (an agreed action included) to a competency, or to none (0)."""
    s = db.session()
    goal = access.get_or_404(Goal, goal_id, lambda g: access.is_owner(current_user, g.student_id))
    form = GoalCompetencyForm()
    form.competency_id.choices = [(0, "")] + [(c.id, c.name) for c in framework.competencies(s)]
    if not form.validate_on_submit():
        return refuse(422, _("Choose a competency of the school’s framework."))
    evidence.tie_goal(s, goal, s.get(Competency, form.competency_id.data) if form.competency_id.data else None)
    flash(_("Saved."), "success")
    return redirect(url_for("growth.mine") + "#goals", code=303)


# ---- growth slides in the presentation editor ------------------------------------------------------------------

@bp.post("/presentations/<int:presentation_id>/growth")
@login_required
def add_growth_slide(presentation_id: int):
    """A "my growth in …" slide for one competency, at the end."""
    pres = editable_or_abort(presentation_id, current_user)
    s = db.session()
    form = GrowthSlideForm()
    competency = s.get(Competency, form.competency_id.data) if form.validate_on_submit() else None
    if competency is None:
        return refuse(400, _("Choose a competency of the school’s framework."))
    slide = _new_slide(pres.id, SlideKind.GROWTH, title=_("My growth in %(name)s", name=competency.name))
    try:
        ordering.append(s, pres.id, [slide], refuse=lambda slides: _has_growth_slide(s, slides, competency.id))
    except ordering.Conflict:
        return refuse(409, _("“%(name)s” already has its slide in this presentation.", name=competency.name))
    s.add(SlideCompetency(slide_id=slide.id, competency_id=competency.id))
    s.commit()
    flash(_("Added “%(title)s” at the end.", title=slide.title), "success")
    return redirect(url_for("presentations.editor", presentation_id=pres.id), code=303)


def _has_growth_slide(s, slides, competency_id: int) -> bool:
    ids = [sl.id for sl in slides if sl.kind == SlideKind.GROWTH]
    return bool(ids) and s.exec(SlideCompetency.__table__.select().where(
        SlideCompetency.slide_id.in_(ids), SlideCompetency.competency_id == competency_id)).first() is not None


def _new_slide(presentation_id: int, kind: str, **fields) -> Slide:
    return Slide(presentation_id=presentation_id, kind=kind, duration_seconds=90, **fields)


@bp.post("/presentations/<int:presentation_id>/then-and-now")
@login_required
def add_then_now_slide(presentation_id: int):
    """A "then and now" slide: this work beside its earliest version, at the end."""
    pres = editable_or_abort(presentation_id, current_user)
    s = db.session()
    form = ThenNowSlideForm()
    item = s.get(PortfolioItem, form.item_id.data) if form.validate_on_submit() else None
    if item is None or item.owner_id != pres.owner_id or len(versions.chain(s, item)) < 2:
        return refuse(400, _("Choose work of yours that has an earlier version."))
    # a title of its own, not the work's: an audience that may not see the work does not learn its title either
    slide = _new_slide(pres.id, SlideKind.THEN_NOW, item_id=item.id, title=_("Then and now"))
    try:
        ordering.append(s, pres.id, [slide], refuse=lambda slides: any(
            sl.kind == SlideKind.THEN_NOW and sl.item_id == item.id for sl in slides))
    except ordering.Conflict:
        return refuse(409, _("“%(title)s” already has its “then and now” slide here.", title=item.title))
    flash(_("Added “%(title)s” at the end.", title=_("Then and now: %(title)s", title=item.title)), "success")
    return redirect(url_for("presentations.editor", presentation_id=pres.id), code=303)


def editor_panel(pres, can_edit: bool) -> str:
    """Point "presentations.editor": add growth slides (the student), nothing for a coach who looks."""
    if not can_edit:
        return ""
    s = db.session()
    owner = s.get(User, pres.owner_id)
    chains = versions.latest_with_earlier(s, owner.id)
    return render_template("growth/_editor.html", pres=pres, comps=framework.competencies(s), chains=chains)


def portfolio_link(owner: User) -> str:
    """Point "portfolio.links": the student's growth page, for them and their coaches."""
    if not can_see_portfolio(current_user, owner):
        return ""
    return render_template("growth/_portfolio_link.html", owner=owner)


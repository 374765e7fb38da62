from flask_babel import gettext as _
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import select

from .. import db, extend
from ..answers import changed, fragment_or_page, refuse, retarget
from ..auth.guards import role_required
from ..extensions import htmx
from ..models import (MAX_ID, ItemKind, PortfolioItem, Presentation, RehearsalComment, Role, Slide,
                      SlideKind, User, utcnow)
from ..portfolio import items
from . import bp, ordering
from .access import can_comment, can_edit, can_list, editable_or_abort, presentation_or_404, slide_or_404
from ..goals.forms import GoalForm
from ..goals.goals import all_goals
from .forms import AddSlideForm, CommentForm, NewPresentationForm, OrderForm, SlideForm, TitleForm
from .slides import (DEFAULT_TITLES, KIND_LABELS, STRUCTURE_KINDS, comments_for, deck,
                     ordered_slides, pages_of, readiness, template_slides, total_seconds)

DOUBLE_SUBMIT = timedelta(seconds=10)


def _form_errors(form) -> str:
    return " ".join(f"{getattr(form, name).label.text}: {' '.join(errs)}" for name, errs in form.errors.items())


# ---- lists -------------------------------------------------------------------------------------------

def _list_context(student: User) -> dict:
    s = db.session()
    presentations = list(s.exec(select(Presentation).where(Presentation.owner_id == student.id)
                                .order_by(Presentation.updated_at.desc(), Presentation.id.desc())))
    counts, times = {}, {}
    if presentations:
        for sl in s.exec(select(Slide).where(Slide.presentation_id.in_([p.id for p in presentations]))):
            counts[sl.presentation_id] = counts.get(sl.presentation_id, 0) + 1
            times[sl.presentation_id] = times.get(sl.presentation_id, 0) + (sl.duration_seconds or 0)
    return dict(student=student, presentations=presentations, counts=counts, times=times,
                goals=all_goals(s, student.id), goal_form=GoalForm(formdata=None),
                mine=student.id == current_user.id)


@bp.get("/")
@role_required(Role.STUDENT)
def mine():
    return render_template("presentations/index.html", **_list_context(current_user))


@bp.get("/student/<int:student_id>")
@login_required
def student(student_id: int):
    who = db.session().get(User, student_id)
    if who is None or not can_list(current_user, who):
        abort(404)
    return render_template("presentations/index.html", **_list_context(who))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def new():
    form = NewPresentationForm()
    if form.validate_on_submit():
        s = db.session()
        title = form.title.data.strip()
        recent = s.exec(select(Presentation).where(
            Presentation.owner_id == current_user.id, Presentation.title == title,
            Presentation.created_at > utcnow() - DOUBLE_SUBMIT)).first()
        if recent:  # the same form sent twice: one presentation
            return redirect(url_for("presentations.editor", presentation_id=recent.id), code=303)
        pres = Presentation(owner_id=current_user.id, title=title)
        s.add(pres)
        s.flush()
        if form.start.data == "template":
            slides = template_slides(pres.id)
            s.add_all(slides)
            s.flush()
            extend.each("presentations.template", s, current_user, slides)
            for position, slide in enumerate(slides):
                slide.position = position
        s.commit()
        flash(_("Created “%(title)s”. Fill in each slide and add your work.", title=pres.title)
              if form.start.data == "template" else _("Created “%(title)s”. Add your first slides.", title=pres.title),
              "success")
        return redirect(url_for("presentations.editor", presentation_id=pres.id), code=303)
    return render_template("presentations/new.html", form=form), 422 if form.errors else 200


# ---- the editor --------------------------------------------------------------------------------------

def _slides_context(pres: Presentation, **extra) -> dict:
    s = db.session()
    views = deck(s, pres, viewer=current_user)
    editable = can_edit(current_user, pres)
    forms = {}
    for v in views:
        form = SlideForm(prefix=f"slide-{v.slide.id}", obj=v.slide, formdata=None)
        if v.slide.duration_seconds is not None:
            form.minutes.data, form.seconds.data = divmod(v.slide.duration_seconds, 60)
        forms[v.slide.id] = form
    context = dict(pres=pres, views=views, total=total_seconds([v.slide for v in views]), can_edit=editable,
                   can_comment=can_comment(current_user, pres), comments=comments_for(s, [v.slide.id for v in views]),
                   forms=forms, comment_form=CommentForm(formdata=None), kind_labels=KIND_LABELS, focus="",
                   announce="", oob=False)
    context.update(extra)
    return context


def _slides_answer(pres: Presentation, announce: str = "", focus: str = ""):
    """The re-rendered slide list (the server's truth) for htmx; the editor page otherwise."""
    return changed("presentations/_slides.html", url_for("presentations.editor", presentation_id=pres.id),
                   announce, **(_slides_context(pres, announce=announce, focus=focus, oob=True) if htmx else {}))


def _gone(pres: Presentation):
    """The slide was removed meanwhile (another tab): say so, and show the current list."""
    message = _("That slide was removed meanwhile, perhaps in another tab. This is the current order.")
    if htmx:
        return retarget(render_template("presentations/_slides.html",
                                        **_slides_context(pres, announce=message, oob=True)), 404, "#slides-box")
    return refuse(404, message)


@bp.get("/<int:presentation_id>")
@login_required
def editor(presentation_id: int):
    pres = presentation_or_404(presentation_id, current_user)
    context = _slides_context(pres)
    return render_template("presentations/editor.html", title_form=TitleForm(obj=pres),
                           structure_kinds=STRUCTURE_KINDS, default_titles=DEFAULT_TITLES,
                           owner=db.session().get(User, pres.owner_id),
                           problems=readiness(db.session(), pres, context["views"]), **context)


@bp.post("/<int:presentation_id>")
@login_required
def rename(presentation_id: int):
    pres = editable_or_abort(presentation_id, current_user)
    form = TitleForm()
    if not form.validate_on_submit():
        return refuse(422, _form_errors(form))
    pres.title = form.title.data.strip()
    pres.updated_at = utcnow()
    db.session().commit()
    return changed("presentations/_message.html", url_for("presentations.editor", presentation_id=pres.id),
                   _("Saved the name."), message=_("Saved the name."), ok=True)


@bp.post("/<int:presentation_id>/delete")
@login_required
def delete(presentation_id: int):
    pres = editable_or_abort(presentation_id, current_user)
    title = pres.title
    s = db.session()
    s.delete(pres)
    s.commit()
    flash(f"Deleted “{title}”.", "success")
    return redirect(url_for("presentations.mine"), code=303)


@bp.get("/<int:presentation_id>/picker")
@login_required
def picker(presentation_id: int):
    """The student's work to choose from, with thumbnails, filtered by ?kind= and ?tag=."""
    pres = editable_or_abort(presentation_id, current_user)
    s = db.session()
    kind, tag = request.args.get("kind", ""), request.args.get("tag", "").strip().lower()
    query = select(PortfolioItem).where(PortfolioItem.owner_id == pres.owner_id).order_by(
        PortfolioItem.made_on.desc(), PortfolioItem.id.desc())
    rows = list(s.exec(items.filtered(query, kind, tag)))
    ids = [i.id for i in rows]
    used = {(sl.item_id, sl.page) for sl in ordered_slides(s, pres.id) if sl.item_id}
    context = dict(pres=pres, items=rows, thumbs=items.thumbs_for(s, ids), tags=items.tags_for(s, ids),
                   pages=pages_of(s, [i.id for i in rows if i.kind == ItemKind.DOCUMENT]), used=used,
                   kind=kind, tag=tag, all_tags=items.all_tags(s, query), kind_labels=items.KIND_LABELS,
                   used_items={i for i, _ in used}, add_form=AddSlideForm(formdata=None))
    return fragment_or_page("presentations/_picker.html", "presentations/picker.html", **context)


@bp.post("/<int:presentation_id>/slides")
@login_required
def add_slide(presentation_id: int):
    pres = editable_or_abort(presentation_id, current_user)
    s = db.session()
    form = AddSlideForm()
    if not form.validate_on_submit():
        return refuse(400, _("Choose what kind of slide to add."))
    kind = form.kind.data
    if kind in STRUCTURE_KINDS:
        slide = Slide(presentation_id=pres.id, kind=kind, title=str(DEFAULT_TITLES[kind]))
    elif kind == SlideKind.ITEM:
        item = s.get(PortfolioItem, form.item_id.data) if form.item_id.data else None
        if item is None or item.owner_id != pres.owner_id:
            return refuse(404, _("That work is not in your portfolio."))
        page = form.page.data
        if item.kind == ItemKind.DOCUMENT and page is not None:
            if page not in pages_of(s, [item.id])[item.id]:
                return refuse(400, _("“%(title)s” has no page %(page)s.", title=item.title, page=page))
        elif page is not None:
            return refuse(400, _("“%(title)s” has no pages to choose from.", title=item.title))
        slide = Slide(presentation_id=pres.id, kind=kind, item_id=item.id, page=page)
    else:
        return refuse(400, _("There is no such kind of slide."))
    try:  # the same work twice is a double submit (or another tab): checked under the presentation's lock
        ordering.append(s, pres.id, [slide], refuse=lambda slides: slide.item_id is not None and any(
            sl.item_id == slide.item_id and sl.page == slide.page for sl in slides))
    except ordering.Conflict:
        return refuse(409, _("“%(title)s” page %(page)s is already in this presentation.", title=item.title, page=page)
                      if page else _("“%(title)s” is already in this presentation.", title=item.title))
    label = slide.title or (_("%(title)s, page %(n)s", title=item.title, n=slide.page) if slide.page else item.title)
    return _slides_answer(pres, announce=_("Added “%(title)s” at the end.", title=label),
                          focus=f"slide-{slide.id}-summary")


@bp.post("/<int:presentation_id>/slides/<int:slide_id>")
@login_required
def edit_slide(presentation_id: int, slide_id: int):
    """Autosave of one slide's fields (htmx), or the plain form's Save."""
    pres = editable_or_abort(presentation_id, current_user)
    slide = slide_or_404(pres, slide_id)
    form = SlideForm(prefix=f"slide-{slide.id}")
    if not form.validate_on_submit():
        message = _form_errors(form) or _("Those changes could not be saved.")
        return refuse(422, message, target=f"#slide-{slide.id}-status")
    s = db.session()
    for name in ("title", "body", "prompt", "talking_points"):  # fields not sent are left as they are
        if getattr(form, name).name in request.form:
            setattr(slide, name, (getattr(form, name).data or "").strip())
    if form.minutes.name in request.form or form.seconds.name in request.form:
        slide.duration_seconds = form.duration()
    pres.updated_at = utcnow()
    s.commit()
    views = deck(s, pres, viewer=current_user)
    return changed("presentations/_saved.html",
                   url_for("presentations.editor", presentation_id=pres.id) + f"#slide-{slide.id}",
                   _("Saved the slide."), view=next(v for v in views if v.slide.id == slide.id),
                   total=total_seconds([v.slide for v in views]))


def _ids(raw: list[str]) -> list[int] | None:
    out = []
    for value in raw:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 12 or int(part) > MAX_ID:
                return None
            out.append(int(part))
    return out


@bp.post("/<int:presentation_id>/order")
@login_required
def order(presentation_id: int):
    """A full order (ids=…, as the client saw it) or one move (slide=…&to=…), applied to the current order."""
    pres = editable_or_abort(presentation_id, current_user)
    s = db.session()
    ids = _ids(request.form.getlist("ids"))
    if ids is None:
        return refuse(400, _("The new order could not be read. Reload the page and try again."))
    if ids:
        ordering.reorder(s, pres.id, ids)
        return _slides_answer(pres, announce=_("Saved the new order."))
    form = OrderForm()
    if form.validate_on_submit() and form.slide.data is not None and form.to.data is not None:
        slide = slide_or_404(pres, form.slide.data)
        slides = ordering.move_to(s, pres.id, slide.id, form.to.data)
        if slide not in slides:
            return _gone(pres)
        return _slides_answer(pres, announce=_("Moved to position %(n)s of %(total)s.", n=slides.index(slide) + 1,
                                                                 total=len(slides)))
    return refuse(400, _("Say which slide to move and where, or send the whole order."))


@bp.post("/<int:presentation_id>/slides/<int:slide_id>/move")
@login_required
def move(presentation_id: int, slide_id: int):
    """Keyboard reordering: one step up or down from where the slide is now."""
    pres = editable_or_abort(presentation_id, current_user)
    slide = slide_or_404(pres, slide_id)
    direction = request.form.get("direction", "")
    if direction not in ("up", "down"):
        return refuse(400, _("Move a slide up or down."))
    slides = ordering.move_by(db.session(), pres.id, slide.id, -1 if direction == "up" else 1)
    if slide not in slides:
        return _gone(pres)
    at = slides.index(slide)
    focus_dir = direction
    if (direction == "up" and at == 0) or (direction == "down" and at == len(slides) - 1):
        focus_dir = "down" if direction == "up" else "up"
    title = deck(db.session(), pres, slides, viewer=current_user)[at].title
    return _slides_answer(pres, announce=f"Moved “{title}” to position {at + 1} of {len(slides)}.",
                          focus=f"move-{focus_dir}-{slide.id}")


@bp.post("/<int:presentation_id>/slides/<int:slide_id>/delete")
@login_required
def delete_slide(presentation_id: int, slide_id: int):
    pres = editable_or_abort(presentation_id, current_user)
    slide = slide_or_404(pres, slide_id)
    title = deck(db.session(), pres, [slide], viewer=current_user)[0].title
    ordering.remove(db.session(), pres.id, slide.id)
    return _slides_answer(pres, announce=f"Removed “{title}”.", focus="add-slides")


@bp.post("/<int:presentation_id>/slides/<int:slide_id>/comments")
@login_required
def comment(presentation_id: int, slide_id: int):
    pres = presentation_or_404(presentation_id, current_user)
    if not can_comment(current_user, pres):
        abort(403)
    slide = slide_or_404(pres, slide_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return refuse(422, _form_errors(form))
    s = db.session()
    body = form.body.data.strip()
    duplicate = s.exec(select(RehearsalComment).where(
        RehearsalComment.slide_id == slide.id, RehearsalComment.author_id == current_user.id,
        RehearsalComment.body == body, RehearsalComment.created_at > utcnow() - DOUBLE_SUBMIT)).first()
    if not duplicate:
        s.add(RehearsalComment(slide_id=slide.id, author_id=current_user.id, body=body))
        s.commit()
    return _comments_answer(pres, slide, _("Comment added."))


@bp.post("/<int:presentation_id>/slides/<int:slide_id>/comments/<int:comment_id>/delete")
@login_required
def delete_comment(presentation_id: int, slide_id: int, comment_id: int):
    """A coach takes back one of their own rehearsal comments."""
    pres = presentation_or_404(presentation_id, current_user)
    if not can_comment(current_user, pres):
        abort(403)
    slide = slide_or_404(pres, slide_id)
    s = db.session()
    comment = s.get(RehearsalComment, comment_id)
    if comment is None or comment.slide_id != slide.id or comment.author_id != current_user.id:
        abort(404)
    s.delete(comment)
    s.commit()
    return _comments_answer(pres, slide, _("Comment deleted."))


def _comments_answer(pres, slide, done: str):
    return changed("presentations/_comments.html",
                   url_for("presentations.editor", presentation_id=pres.id) + f"#slide-{slide.id}", done,
                   slide=slide, pres=pres, comments=comments_for(db.session(), [slide.id])[slide.id],
                   can_comment=True, comment_form=CommentForm(formdata=None))


# ---- preview and readiness ---------------------------------------------------------------------------

@bp.get("/<int:presentation_id>/preview")
@login_required
def preview(presentation_id: int):
    pres = presentation_or_404(presentation_id, current_user)
    views = deck(db.session(), pres, viewer=current_user)
    return render_template("presentations/preview.html", pres=pres, views=views,
                           total=total_seconds([v.slide for v in views]), can_edit=can_edit(current_user, pres))


@bp.get("/<int:presentation_id>/readiness")
@login_required
def readiness_check(presentation_id: int):
    pres = presentation_or_404(presentation_id, current_user)
    problems = readiness(db.session(), pres)
    return fragment_or_page("presentations/_readiness.html", "presentations/readiness.html", pres=pres,
                            problems=problems, can_edit=can_edit(current_user, pres))

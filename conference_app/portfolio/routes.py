from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlmodel import func, select
from wtforms.validators import DataRequired

from flask_babel import gettext as _

from .. import db, extend
from ..answers import fragment_or_page, local_path
from ..auth.accounts import students_of
from ..auth.guards import role_required
from ..extensions import htmx
from ..media.pipeline import ACCEPT, Rejected
from ..models import ItemKind, PortfolioItem, Role, User, Visibility
from . import bp, items
from .access import can_approve, can_edit, can_see_portfolio, item_or_404, visible_items
from .forms import DESCRIBE_LABELS, DeleteForm, ItemForm, UploadForm, tag_list



def _owner_or_404(student_id: int) -> User:
    owner = db.session().get(User, student_id)
    if owner is None or not can_see_portfolio(current_user, owner):
        abort(404)
    return owner


def _grid(owner: User):
    """The items of owner that the viewer may see, filtered by ?tag= and ?kind=."""
    s = db.session()
    kind, tag = request.args.get("kind", ""), request.args.get("tag", "").strip().lower()
    visible = visible_items(current_user, owner)
    rows = list(s.exec(items.filtered(visible, kind, tag)))
    ids = [i.id for i in rows]
    return dict(items=rows, thumbs=items.thumbs_for(s, ids), tags=items.tags_for(s, ids),
                kind=kind, tag=tag, owner=owner, all_tags=items.all_tags(s, visible),
                kind_labels=items.KIND_LABELS)


def _portfolio_page(owner: User):
    return fragment_or_page("portfolio/_items.html", "portfolio/index.html", target="items", accept=ACCEPT,
                            upload_form=UploadForm(formdata=None), **_grid(owner))


@bp.get("/")
@role_required(Role.STUDENT)
def mine():
    return _portfolio_page(current_user)


@bp.get("/students/<int:student_id>")
@login_required
def student(student_id: int):
    return _portfolio_page(_owner_or_404(student_id))


@bp.get("/students")
@role_required(Role.COACH)
def students():
    s = db.session()
    people = students_of(s, current_user.id)
    ids = [p.id for p in people]
    counts, waiting = {}, {}
    if ids:
        visible = (PortfolioItem.owner_id.in_(ids), PortfolioItem.visibility != Visibility.PRIVATE)
        counts = dict(s.exec(select(PortfolioItem.owner_id, func.count()).where(*visible)
                             .group_by(PortfolioItem.owner_id)).all())
        waiting = dict(s.exec(select(PortfolioItem.owner_id, func.count()).where(
            *visible, PortfolioItem.shows_children, PortfolioItem.approved_at.is_(None))
            .group_by(PortfolioItem.owner_id)).all())
    return render_template("portfolio/students.html", students=people, counts=counts, waiting=waiting)


@bp.post("/upload")
@role_required(Role.STUDENT)
def upload():
    """One or more files; each becomes an item. The upload script sends one file per request."""
    files = [f for f in UploadForm().files.data or [] if f and f.filename]
    if not files:
        return _upload_answer([], [_("Choose a file to add.")], 400)
    added, errors, status = [], [], 201
    s = db.session()
    for f in files:
        try:
            item, result = items.add_upload(s, current_user, f.stream, f.filename)
            added.append((item, result))
        except Rejected as e:
            errors.append(f"{f.filename}: {e}")
            status = e.status
    return _upload_answer(added, errors, status if not added else 201)


def _upload_answer(added, errors, status):
    s = db.session()
    ids = [i.id for i, _ in added]
    if htmx:
        return render_template("portfolio/_upload_result.html", added=added, errors=errors,
                               thumbs=items.thumbs_for(s, ids), tags=items.tags_for(s, ids)), status
    for message in errors:
        flash(message, "error")
    if not added:  # nothing kept: show the page again with why, and the 4xx
        return _portfolio_page(current_user), status
    for item, result in added:
        flash(f"Added “{item.title}”. {result.note}", "success")
    if len(added) == 1 and not errors:
        return redirect(url_for("portfolio.edit", item_id=added[0][0].id), code=303)
    return redirect(url_for("portfolio.mine"), code=303)


@bp.route("/new/<kind>", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def new(kind: str):
    """A piece of writing or a link: items without a file."""
    if kind not in (ItemKind.WRITING, ItemKind.LINK):
        abort(404)
    form = ItemForm()
    _require_content(form, kind)
    if form.validate_on_submit():
        s = db.session()
        item = items.add_written(s, current_user, kind, **_fields(form, kind))
        items.set_tags(s, item, tag_list(form.tags.data))
        s.commit()
        flash(f"Added “{item.title}”.", "success")
        return redirect(url_for("portfolio.item", item_id=item.id), code=303)
    return render_template("portfolio/edit.html", form=form, kind=kind, item=None), 422 if form.errors else 200


def _require_content(form: ItemForm, kind: str) -> None:
    """Writing needs its text and a link its address; other kinds need neither. The description's label
    names what it describes."""
    if kind in DESCRIBE_LABELS:
        form.alt_text.label.text = DESCRIBE_LABELS[kind]
    if kind == ItemKind.WRITING:
        form.body.validators = [DataRequired(), *form.body.validators]
    elif kind == ItemKind.LINK:
        form.url.validators = [DataRequired(), *form.url.validators[1:]]


def _text(field) -> str:
    return (field.data or "").strip()


def _fields(form: ItemForm, kind: str) -> dict:
    fields = dict(title=_text(form.title), reflection=_text(form.reflection), alt_text=_text(form.alt_text),
                  subject=_text(form.subject), visibility=form.visibility.data,
                  shows_children=form.shows_children.data)
    if form.made_on.data:
        fields["made_on"] = form.made_on.data
    if kind == ItemKind.WRITING:
        fields["body"] = form.body.data
    if kind == ItemKind.LINK:
        fields["url"] = _text(form.url)
    return fields


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int):
    s = db.session()
    it = item_or_404(item_id, current_user)
    owner = s.get(User, it.owner_id)
    files = items.files_of(s, it.id)
    pages = sorted({f.page for f in files if f.page})
    return render_template("portfolio/item.html", item=it, owner=owner, files=files, pages=pages,
                           tags=items.tags_for(s, [it.id])[it.id], can_edit=can_edit(current_user, it),
                           can_approve=can_approve(current_user, it))


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit(item_id: int):
    s = db.session()
    it = item_or_404(item_id, current_user)
    if not can_edit(current_user, it):
        abort(403)
    form = ItemForm(obj=it)
    if request.method == "GET":
        form.tags.data = ", ".join(items.tags_for(s, [it.id])[it.id])
    _require_content(form, it.kind)
    if form.validate_on_submit():
        items.update(s, it, tag_list(form.tags.data), **_fields(form, it.kind))
        flash(_("Saved."), "success")
        return redirect(_back() or url_for("portfolio.item", item_id=it.id), code=303)
    files = items.files_of(s, it.id)
    return render_template("portfolio/edit.html", form=form, kind=it.kind, item=it, files=files, back=_back()), \
        422 if form.errors else 200


def _back() -> str:
    """Where the edit form returns after Save or Cancel (?back=, e.g. the presentation whose readiness check
    sent the student here): a path on this site only, never another host."""
    return local_path(request.args.get("back")) or ""


@bp.route("/items/<int:item_id>/delete", methods=["GET", "POST"])
@login_required
def delete(item_id: int):
    """The delete dialog says where the work is used (extension point "portfolio.uses") and offers what the
    features using it let the student choose ("portfolio.delete_choices"); they act on it ("portfolio.deleting")."""
    s = db.session()
    it = item_or_404(item_id, current_user)
    if not can_edit(current_user, it):
        abort(403)
    form = DeleteForm()
    if not form.validate_on_submit():
        uses = [phrase for c in extend.contributions("portfolio.uses") if c.call and (phrase := c.call(it))]
        return render_template("portfolio/delete.html", item=it, form=form, uses=uses,
                               thumb=items.thumbs_for(s, [it.id]).get(it.id)), 400 if form.errors else 200
    title = it.title
    extend.each("portfolio.deleting", it, current_user)
    items.remove(s, it)
    flash(_("Deleted “%(title)s”.", title=title), "success")
    return redirect(url_for("portfolio.mine"), code=303)


@bp.post("/items/<int:item_id>/approve")
@login_required
def approve(item_id: int):
    s = db.session()
    it = item_or_404(item_id, current_user)
    if not can_approve(current_user, it):
        abort(403)
    if it.shows_children:
        items.approve(s, it, current_user)
        flash(_("Approved “%(title)s” for conferences.", title=it.title), "success")
    return redirect(url_for("portfolio.item", item_id=it.id), code=303)

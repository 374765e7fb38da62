"""Admin: importing a whole school's accounts from a CSV file (preview, then confirm), sign-in letters."""
from flask_babel import gettext as _
import csv
import io
from datetime import datetime, UTC

from flask import Response, current_app, flash, redirect, render_template, url_for
from sqlmodel import func, select

from .. import db
from ..accounts import importer, service
from ..auth.guards import role_required
from ..models import Role, TutorGroup, User
from . import bp
from .forms import ConfirmImportForm, ImportForm


def _waiting(s) -> int:
    """Active accounts that have never had a password (imported, letters not used yet)."""
    return s.exec(select(func.count()).select_from(User).where(User.password_hash == "", User.active)).one()


def _page(form, status=200, **context):
    s = db.session()
    return render_template("admin/import.html", form=form, waiting=_waiting(s),
                           groups=s.exec(select(func.count()).select_from(TutorGroup)).one(), **context), status


@bp.get("/import")
@role_required(Role.ADMIN)
def import_accounts():
    return _page(ImportForm())


@bp.post("/import")
@role_required(Role.ADMIN)
def import_preview():
    """Read the file and show what would change; nothing is stored."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        text = importer.decode(form.file.data.read(importer.MAX_BYTES + 1))
        plan = importer.plan(db.session(), text)
    except importer.ImportError_ as e:
        form.file.errors = [str(e)]
        return _page(form, 422)
    confirm = ConfirmImportForm(formdata=None, text=text)
    return _page(form, 422 if plan.errors else 200, plan=plan, confirm=confirm,
                 filename=form.file.data.filename)


@bp.post("/import/confirm")
@role_required(Role.ADMIN)
def import_confirm():
    """Store the previewed file, all or nothing; the plan is made again from the same text."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        flash(_("Choose the file again: the preview had expired."), "error")
        return redirect(url_for("admin.import_accounts"), code=303)
    s = db.session()
    try:
        plan = importer.plan(s, form.text.data)
    except importer.ImportError_ as e:
        return _page(ImportForm(formdata=None), 422, problem=str(e))
    if plan.errors:
        return _page(ImportForm(formdata=None), 422, plan=plan, confirm=form,
                     problem=_("Something changed since the preview: fix the rows below and upload the file again."))
    done = importer.apply(s, plan)
    flash(_("Imported: %(created)s new accounts, %(updated)s updated, %(groups)s new tutor groups, "
            "%(links)s coach assignments.", **done), "success")
    return redirect(url_for("admin.import_accounts"), code=303)


@bp.post("/letters")
@role_required(Role.ADMIN)
def sign_in_letters():
    """A CSV of one-time links for every account without a password yet, to print or mail-merge.

    Each download makes new links (the previous ones stop working), valid for 14 days."""
    s = db.session()
    people = list(s.exec(select(User).where(User.password_hash == "", User.active)
                         .order_by(User.tutor_group_id, User.display_name)))
    if not people:
        flash(_("Everyone has a password already: there are no letters to make."), "info")
        return redirect(url_for("admin.import_accounts"), code=303)
    groups = dict(s.exec(select(TutorGroup.id, TutorGroup.name)).all())
    issued = service.issue_links(s, people)
    base = (current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "username", "role", "group", "link", "expires"])
    def cell(value: str) -> str:
        """No spreadsheet formulas: a name that starts with = + - @ is kept as text."""
        return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value

    for user, token in issued:
        link = base + url_for("accounts.welcome", token=token) if base else url_for(
            "accounts.welcome", token=token, _external=True)
        writer.writerow([cell(user.display_name), cell(user.username), user.role,
                         cell(groups.get(user.tutor_group_id, "")), link,
                         f"{service.LINK_DAYS} days"])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="sign-in-letters-{stamp}.csv"',
        "Cache-Control": "no-store"})


@bp.get("/import/example.csv")
@role_required(Role.ADMIN)
def import_example():
    """docs/accounts-example.csv, the format the README describes."""
    from .. import ROOT

    return Response((ROOT / "docs" / "accounts-example.csv").read_bytes(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="accounts-example.csv"'})

from flask_babel import gettext as _

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import access, db, extend, languages
from ..answers import back_to, changed
from ..extensions import limiter
from ..network import join_base
from ..models import AudienceRole, ConferenceState, User
from ..presentations.access import editable_or_abort
from ..presentations.slides import readiness
from . import bp, codes, conferences, decks, pushes, shells
from .access import conference_for_presenter, current_participant, remember_participant, was_removed
from .forms import CodeForm, JoinForm


def join_url(conference) -> str:
    """The link phones open: PUBLIC_URL, else a LAN address rather than loopback (network.join_base)."""
    base, _problem = join_base()
    return base + url_for("live.join", code=conference.code)


# ---- the presenting student (or their coach) ---------------------------------------------------

@bp.post("/presentations/<int:presentation_id>/conference")
@login_required
def start(presentation_id: int):
    """Open a conference for a ready presentation and show its lobby."""
    s = db.session()
    presentation = editable_or_abort(presentation_id, current_user)
    problems = readiness(s, presentation)
    if problems:
        return render_template("live/not_ready.html", presentation=presentation, problems=problems), 409
    conference = conferences.create(s, presentation)
    return redirect(url_for("live.lobby", conference_id=conference.id), code=303)


@bp.get("/conferences/<int:conference_id>")
@login_required
def lobby(conference_id: int):
    conference = conference_for_presenter(conference_id)
    if not conference.is_open:
        return redirect(url_for("live.ended", conference_id=conference.id))
    return render_template("live/lobby.html", conference=conference, **_people(conference),
                           join_url=join_url(conference), spaced=codes.spaced(conference.code))


@bp.get("/conferences/<int:conference_id>/qr.svg")
@login_required
def qr(conference_id: int):
    """The join link as a QR code: SVG, crisp at any size."""
    conference = conference_for_presenter(conference_id)
    return Response(codes.qr_svg(join_url(conference)), mimetype="image/svg+xml",
                    headers={"Cache-Control": "private, no-store"})


@bp.post("/conferences/<int:conference_id>/start")
@login_required
def go_live(conference_id: int):
    s = db.session()
    conference = conference_for_presenter(conference_id)
    if not conference.is_open:
        return redirect(url_for("live.ended", conference_id=conference.id), code=303)
    conferences.go_live(s, conference)
    pushes.push_slide(conference.id)
    return redirect(url_for("live.present", conference_id=conference.id), code=303)


@bp.get("/conferences/<int:conference_id>/present")
@login_required
def present(conference_id: int):
    conference = conference_for_presenter(conference_id)
    if conference.state == ConferenceState.LOBBY:
        return redirect(url_for("live.lobby", conference_id=conference.id))
    if conference.state == ConferenceState.ENDED:
        return redirect(url_for("live.ended", conference_id=conference.id))
    deck = decks.deck_for(conference)
    return render_template("live/present.html", conference=conference, **_people(conference),
                           presenter_html=decks.render_presenter(conference),
                           join_url=join_url(conference), spaced=codes.spaced(conference.code),
                           planned=sum(v.slide.duration_seconds or 0 for v in deck.views))


@bp.get("/conferences/<int:conference_id>/screen")
@login_required
def screen(conference_id: int):
    """For the projector: follows the presenter like any phone, with the join code in a corner."""
    conference = conference_for_presenter(conference_id)
    return render_template("live/screen.html", conference=conference, spaced=codes.spaced(conference.code),
                           slide_html=decks.render_audience(conference))


def _people(conference):
    return {"participants": conferences.participants(db.session(), conference.id)}


@bp.get("/conferences/<int:conference_id>/participants")
@login_required
def participants(conference_id: int):
    conference = conference_for_presenter(conference_id)
    return render_template("live/_participants.html", conference=conference, **_people(conference))


@bp.post("/conferences/<int:conference_id>/participants/<int:participant_id>/remove")
@login_required
def remove(conference_id: int, participant_id: int):
    s = db.session()
    conference = conference_for_presenter(conference_id)
    participant = conferences.remove(s, conference, participant_id)
    if participant is None:
        abort(404)
    pushes.push_removed(conference, participant.id)
    pushes.push_participants(conference.id)
    return _participants_answer(conference)


@bp.post("/conferences/<int:conference_id>/lock")
@login_required
def lock(conference_id: int):
    s = db.session()
    conference = conference_for_presenter(conference_id)
    conferences.set_locked(s, conference, request.form.get("locked") == "1")
    pushes.push_participants(conference.id)
    return _participants_answer(conference)


def _participants_answer(conference):
    return changed("live/_participants.html", back_to(url_for("live.lobby", conference_id=conference.id)),
                   conference=conference, **_people(conference))


@bp.post("/conferences/<int:conference_id>/end")
@login_required
def end(conference_id: int):
    s = db.session()
    conference = conference_for_presenter(conference_id)
    conferences.end(s, conference)
    extend.each("live.end", conference)  # the record is fixed before anyone is sent on to it
    pushes.push_ended(conference)
    flash(_("The conference has ended. Thank you!"), "success")
    return redirect(url_for("live.ended", conference_id=conference.id), code=303)


@bp.get("/conferences/<int:conference_id>/ended")
@login_required
def ended(conference_id: int):
    conference = conference_for_presenter(conference_id)
    return render_template("live/ended.html", conference=conference, **_people(conference))


# ---- family, governor, guest, coach on their phones ---------------------------------------------

def _join_limit() -> str:
    return current_app.config["JOIN_RATE_LIMIT"]


def _a_wrong_code(response) -> bool:
    """Only guesses count against the join limit: a school's families share one address, and 25 of them
    joining in a minute must not lock out the 26th (page views and joins cost nothing)."""
    return response.status_code == 404


@bp.route("/join", methods=["GET", "POST"])
def enter_code():
    """Typing the code instead of scanning it."""
    form = CodeForm()
    if form.validate_on_submit():
        return redirect(url_for("live.join", code=codes.normalise(form.code.data)), code=303)
    return render_template("live/enter_code.html", form=form), 422 if form.errors else 200


@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(_join_limit, deduct_when=_a_wrong_code)
def join(code: str):
    s = db.session()
    conference = conferences.by_code(s, code)
    if conference is None:
        return extend.first("live.unknown_code", code) or (
            render_template("live/closed.html", reason="unknown", code=code), 404)
    if was_removed(conference):
        return render_template("live/closed.html", reason="removed", conference=conference), 403
    if current_participant(conference):
        return redirect(url_for("live.follow", code=conference.code), code=303)
    if access.is_owner(current_user, conference.owner_id):
        return redirect(url_for("live.lobby", conference_id=conference.id), code=303)
    if not conference.is_open:
        return render_template("live/closed.html", reason="ended", conference=conference), 410
    if conference.locked:
        return render_template("live/closed.html", reason="locked", conference=conference), 423
    owner = s.get(User, conference.owner_id)
    as_coach = access.coaches(current_user, conference.owner_id)
    if request.method == "GET" and not as_coach and shells.shareable():  # what every scanning phone gets
        return shells.page(("join", conference.id, conference.code, owner.display_name),
                           lambda: render_template("live/join.html", form=JoinForm(), conference=conference,
                                                   owner=owner, as_coach=False))
    form = JoinForm()
    if as_coach and request.method == "GET":
        form.name.data = current_user.display_name
    if form.validate_on_submit():
        role = AudienceRole.COACH if as_coach else form.role.data
        try:
            participant = conferences.join(s, conference, form.name.data, role,
                                           user=current_user if as_coach else None, language=languages.current())
        except conferences.ConferenceError as e:
            flash(str(e), "error")
            return render_template("live/closed.html", reason="locked", conference=conference), 423
        remember_participant(conference, participant)
        pushes.push_participants(conference.id)
        # The follower page itself, not a redirect to it: on a slow phone network a redirect is one more
        # round trip before the first slide (half a second on Slow 4G). The page sets its address to
        # /live/<code> (history.replaceState), and a re-sent POST finds the participant and redirects.
        return _follower_page(s, conference, participant)
    return render_template("live/join.html", form=form, conference=conference, owner=owner,
                           as_coach=as_coach), 422 if form.errors else 200


@bp.get("/live/<code>")
def follow(code: str):
    s = db.session()
    conference = conferences.by_code(s, code)
    if conference is None:
        return render_template("live/closed.html", reason="unknown", code=code), 404
    participant = current_participant(conference)
    if participant is None:
        if was_removed(conference):
            return render_template("live/closed.html", reason="removed", conference=conference), 403
        return redirect(url_for("live.join", code=conference.code))
    if not conference.is_open:
        return redirect(url_for("live.thanks", code=conference.code))
    if participant.language != languages.current():  # chosen in the menu: the presenter sees it, pushes follow
        conferences.set_language(s, participant, languages.current())
        pushes.push_participants(conference.id)
    return _follower_page(s, conference, participant)


def _follower_page(s, conference, participant):
    """The slide as it is now, with the phone's own panels under it (shared by every phone: `shells`)."""
    owner_name = s.get(User, conference.owner_id).display_name
    panels = extend.render("live.follower", conference=conference, participant=participant)

    def render(name=participant.display_name, panels=panels):
        return render_template("live/follow.html", conference=conference, participant_name=name, panels=panels,
                               owner_name=owner_name, slide_html=decks.render_audience(conference))

    if not shells.shareable():
        return render()
    key = ("follow", conference.id, conference.code, conference.state, conference.position, conference.deck_version,
           owner_name)
    return shells.page(key, lambda: render(shells.mark("name"), shells.mark("panels")), name=participant.display_name,
                       panels=panels)


@bp.get("/live/<code>/slides/<int:position>")
def browse(code: str, position: int):
    """A slide already shown, for a follower looking back."""
    s = db.session()
    conference = conferences.by_code(s, code)
    if conference is None or current_participant(conference) is None or not conference.is_open:
        abort(404)
    if position not in conferences.shown_positions(s, conference.id):  # the database decides, not a cache
        abort(404)
    return decks.deck_for(conference).audience(position)


@bp.get("/live/<code>/thanks")
def thanks(code: str):
    """The thank-you page, for this conference's own participants only (it names the student)."""
    s = db.session()
    conference = conferences.by_code(s, code)
    participant = current_participant(conference) if conference is not None else None
    if participant is None:
        abort(404)
    detour = extend.first("live.before_thanks", conference, participant)
    if detour is not None:
        return detour
    return render_template("live/thanks.html", conference=conference, participant=participant,
                           owner_name=s.get(User, conference.owner_id).display_name)

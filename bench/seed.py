"""Seed the app's database for the benchmark: R students, each with an S-slide presentation and a
live conference. Writes [{"conference", "code", "username", "password"}] for the generator.

    DATABASE_URL=sqlite:///tmp/bench.db python bench/seed.py --conferences 250 --slides 40 --out seed.json
"""
import argparse
import json

from conference_app import create_app, db
from conference_app.auth.accounts import create_user
from conference_app.live import conferences
from conference_app.models import Presentation, Role, Slide, SlideKind

PASSWORD = "bench-password"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--conferences", type=int, required=True)
    p.add_argument("--slides", type=int, required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    # A cheap hash: 250 sign-ins should measure the slides, not scrypt.
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    db.upgrade(app)
    seeded = []
    with app.app_context():
        s = db.session()
        for n in range(a.conferences):
            student = create_user(s, f"bench{n}", f"Student {n}", PASSWORD, Role.STUDENT)
            presentation = Presentation(owner_id=student.id, title=f"Conference {n}")
            s.add(presentation)
            s.flush()
            s.add_all(Slide(presentation_id=presentation.id, position=i, kind=SlideKind.SECTION,
                            title=f"Slide {i + 1}", body="What I learned, and what I will do next.")
                      for i in range(a.slides))
            s.commit()
            conference = conferences.create(s, presentation)
            conferences.go_live(s, conference)
            seeded.append({"conference": conference.id, "code": conference.code,
                           "username": student.username, "password": PASSWORD})
    with open(a.out, "w") as f:
        json.dump(seeded, f)


if __name__ == "__main__":
    main()

"""Accounts for a whole school from the CSV file its information system exports.

`plan(s, text)` reads the file and says what would change, row by row, with an error per bad row and
its line number; it writes nothing. `apply(s, plan)` stores a plan that has no errors, in one
transaction. Importing the same file again plans no change. Imported accounts have no password yet:
the admin prints one-time sign-in links for them (service.issue_links), so nothing is hashed per row.
"""
from flask_babel import gettext as _
import csv
import io
import re
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..languages import LANGUAGES
from ..models import CoachAssignment, Family, FamilyStudent, Role, TutorGroup, User
from ..text import InputError, clean_name

# The preview sends the file's text back with the confirm button, and a form field may hold at most
# Flask's MAX_FORM_MEMORY_SIZE (500 kB): 450 kB is some 5,000 people.
MAX_BYTES = 450 * 1024
MAX_ROWS = 5000
USERNAME = re.compile(r"^[a-z0-9._@+-]{2,64}$")

# Column names as information systems spell them (compared lower-cased, spaces and _ ignored).
ALIASES = {
    "name": {"name", "fullname", "displayname", "studentname", "preferredname"},
    "first": {"firstname", "givenname", "forename", "legalforename", "preferredforename"},
    "last": {"lastname", "surname", "familyname", "legalsurname", "preferredsurname"},
    "username": {"username", "user", "login", "loginname", "userid"},
    "email": {"email", "emailaddress", "mail", "schoolemail"},
    "role": {"role", "type", "usertype", "accounttype"},
    "group": {"group", "tutorgroup", "form", "formgroup", "class", "registrationgroup", "regroup"},
    "coach": {"coach", "coaches", "coachusername", "tutor", "coachemail"},
    # students only, optional: the household (siblings share a key) for the e-Portfolio day's invitations
    "family": {"family", "familykey", "familyid", "household", "householdkey", "householdid"},
    "familyemail": {"familyemail", "parentemail", "contactemail", "householdemail"},
    "familylanguage": {"familylanguage", "homelanguage", "householdlanguage"},
}
FAMILY_KEY = re.compile(r"^[\w.@+-]{1,64}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_WORDS = {
    "student": Role.STUDENT, "pupil": Role.STUDENT, "learner": Role.STUDENT,
    "coach": Role.COACH, "teacher": Role.COACH, "tutor": Role.COACH, "staff": Role.COACH,
    "admin": Role.ADMIN, "administrator": Role.ADMIN,
}


class ImportError_(ValueError):
    """The file as a whole cannot be read (not the error of one row)."""


@dataclass
class Row:
    line: int
    name: str = ""
    username: str = ""
    role: str = ""
    group: str = ""
    coaches: list[str] = field(default_factory=list)
    family: str = ""
    family_email: str = ""
    family_language: str = ""
    action: str = ""  # "new", "update", "unchanged"
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Plan:
    rows: list[Row]
    new_groups: list[str]
    new_links: list[tuple[str, str]]  # (coach username, student username)

    @property
    def errors(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    def count(self, action: str, role: str | None = None) -> int:
        return sum(1 for r in self.rows if not r.errors and r.action == action and (role is None or r.role == role))

    @property
    def changes_anything(self) -> bool:
        return bool(self.new_groups or self.new_links or any(r.action in ("new", "update") for r in self.rows))


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 (older exports)."""
    if len(data) > MAX_BYTES:
        raise ImportError_(_("The file is larger than %(kb)s kB. Split it into parts (by year group).",
                             kb=MAX_BYTES // 1024))
    if b"\x00" in data:
        raise ImportError_(_("This is not a CSV text file. Export the list as CSV (comma-separated values)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportError_(_("The file's characters could not be read. "
                               "Save it as “CSV UTF-8” and try again.")) from None


def _key(header: str) -> str | None:
    squashed = re.sub(r"[\s_\-.]", "", header.strip().lower())
    for key, names in ALIASES.items():
        if squashed in names:
            return key
    return None


def _clean(value: str | None) -> str:
    """Cells without control characters (NUL, tabs, bidirectional overrides) or outer spaces."""
    value = "".join(ch for ch in (value or "") if ch.isprintable() and ch not in "\u202a\u202b\u202c\u202d\u202e"
                    "\u2066\u2067\u2068\u2069\u200e\u200f")
    return " ".join(value.split())


def read(text: str) -> list[Row]:
    """The file's rows as Row objects (fields checked one by one, not yet against the database)."""
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportError_(_("The file is empty. The first line names the columns: "
                           "name, username, role, group, coach.")) from None
    except csv.Error as e:
        raise ImportError_(_("Line 1 could not be read: %(why)s.", why=e)) from e
    columns = {}
    for i, h in enumerate(header):
        key = _key(h)
        if key and key not in columns:
            columns[key] = i
    if "name" not in columns and not ("first" in columns and "last" in columns):
        raise ImportError_(_("No name column: the first line must name the columns, with “name” (or “first name” "
                           "and “last name”), “username” or “email”, “role”, “group” and “coach”."))
    if "username" not in columns and "email" not in columns:
        raise ImportError_(_("No “username” or “email” column: each person needs one to sign in with."))

    def cell(values, key):
        i = columns.get(key)
        return _clean(values[i]) if i is not None and i < len(values) else ""

    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportError_(_("The file has more than %(n)s people. Split it into parts.", n=MAX_ROWS))
            row = Row(line=line)
            row.name = cell(values, "name") or " ".join(p for p in (cell(values, "first"), cell(values, "last")) if p)
            row.username = (cell(values, "username") or cell(values, "email")).lower()
            role_word = cell(values, "role").lower() if "role" in columns else "student"
            row.group = cell(values, "group")
            row.coaches = [c.strip().lower() for c in re.split(r"[;|/]", cell(values, "coach")) if c.strip()]
            if not row.name:
                row.errors.append(_("The name is missing."))
            else:
                try:
                    row.name = clean_name(row.name, 120)
                except InputError as e:
                    row.errors.append(str(e))
            if not row.username:
                row.errors.append(_("The username (or email) is missing."))
            elif not USERNAME.match(row.username):
                row.errors.append(_("“%(username)s” cannot be a username: use 2 to 64 letters, digits and . _ - @ +.",
                                    username=row.username[:70]))
            if not role_word:
                row.errors.append(_("The role is missing (student, coach or admin)."))
            elif role_word not in ROLE_WORDS:
                row.errors.append(_("Unknown role “%(role)s”: use student, coach or admin.", role=role_word[:30]))
            else:
                row.role = ROLE_WORDS[role_word]
            row.family = cell(values, "family").lower()
            row.family_email = cell(values, "familyemail")
            language = cell(values, "familylanguage").replace("-", "_")
            row.family_language = {c.lower(): c for c in LANGUAGES}.get(language.lower()) or \
                {c.split("_")[0]: c for c in LANGUAGES}.get(language.lower(), "") if language else ""
            if row.family and not FAMILY_KEY.match(row.family):
                row.errors.append(_("The family key “%(key)s” cannot be used: up to 64 letters, digits and . _ - @ +.",
                                    key=row.family[:70]))
            if row.family_email and not EMAIL.match(row.family_email):
                row.errors.append(_("“%(email)s” is not an email address.", email=row.family_email[:70]))
            if language and not row.family_language:
                row.errors.append(_("Unknown family language “%(language)s”: use one of %(codes)s.",
                                    language=language[:30], codes=", ".join(LANGUAGES)))
            if (row.family_email or language) and not row.family:
                row.errors.append(_("A family email or language needs a family key in the same row."))
            if row.family and row.role and row.role != Role.STUDENT:
                row.errors.append(_("Only students are in a family: leave the family columns empty for staff."))
            if len(row.group) > 60:
                row.errors.append(_("The group name is longer than 60 characters."))
            if row.coaches and row.role and row.role != Role.STUDENT:
                row.errors.append(_("Only students have coaches: leave the coach column empty for staff."))
            rows.append(row)
    except csv.Error as e:
        raise ImportError_(_("Line %(n)s could not be read: %(why)s.", n=reader.line_num, why=e)) from e
    if not rows:
        raise ImportError_(_("The file has its column names but nobody in it."))
    return rows


def plan(s: Session, text: str) -> Plan:
    """What importing this file would change; writes nothing."""
    rows = read(text)
    users = {u.username: u for u in s.exec(select(User))}
    groups = dict(s.exec(select(TutorGroup.name, TutorGroup.id)).all())
    group_names = {gid: name for name, gid in groups.items()}
    links = set(s.exec(select(CoachAssignment.coach_id, CoachAssignment.student_id)).all())
    families = {f.key: f for f in s.exec(select(Family))}
    family_keys = dict(s.exec(select(FamilyStudent.student_id, Family.key)
                              .join(Family, Family.id == FamilyStudent.family_id)).all())
    in_file: dict[str, Row] = {}
    for row in rows:
        if row.username and row.username in in_file:
            row.errors.append(_("%(username)s is also on line %(n)s.", username=row.username,
                                n=in_file[row.username].line))
        elif row.username:
            in_file[row.username] = row
    new_groups, new_links = [], []
    for row in rows:
        if row.errors:
            continue
        existing = users.get(row.username)
        if existing is None:
            row.action = "new"
        else:
            if existing.role != row.role:
                row.errors.append(_("%(username)s already exists as %(role)s, not %(new)s: change the role by hand "
                                    "or use another username.", username=row.username, role=existing.role,
                                    new=row.role))
                continue
            if existing.display_name != row.name:
                row.changes.append(f"name: {existing.display_name} → {row.name}")
            if row.group and group_names.get(existing.tutor_group_id) != row.group:
                row.changes.append(f"group: {group_names.get(existing.tutor_group_id) or 'none'} → {row.group}")
        if row.group and row.group not in groups and row.group not in new_groups:
            new_groups.append(row.group)
        for coach in row.coaches:
            known = users.get(coach)
            listed = in_file.get(coach)
            if listed is not None and listed.role == Role.COACH:
                coach_is_new = known is None
            elif known is not None and known.is_coach and listed is None:
                coach_is_new = False
            else:
                row.errors.append(_("The coach “%(coach)s” is not a coach account here or in this file.",
                                                   coach=coach[:64]))
                continue
            already = (not coach_is_new and existing is not None and (known.id, existing.id) in links)
            if not already:
                new_links.append((coach, row.username))
                row.changes.append(f"coach: {coach}")
        if row.family:
            known_family = family_keys.get(existing.id) if existing is not None else None
            wanted = families.get(row.family)
            if known_family != row.family or wanted is None or \
                    (row.family_email and row.family_email != wanted.email) or \
                    (row.family_language and row.family_language != wanted.language):
                row.changes.append(f"family: {row.family}")
        if not row.errors and row.action != "new":
            row.action = "update" if row.changes else "unchanged"
    return Plan(rows=rows, new_groups=new_groups, new_links=new_links)


def apply(s: Session, p: Plan) -> dict[str, int]:
    """Store a plan without errors, all or nothing."""
    if p.errors:
        raise ImportError_(_("The file has rows with errors; nothing was imported."))
    groups = dict(s.exec(select(TutorGroup.name, TutorGroup.id)).all())
    for name in p.new_groups:
        group = TutorGroup(name=name)
        s.add(group)
        s.flush()
        groups[name] = group.id
    users = {u.username: u for u in s.exec(select(User))}
    created = updated = 0
    for row in p.rows:
        user = users.get(row.username)
        if row.action == "new":
            user = User(username=row.username, display_name=row.name, role=row.role, password_hash="",
                        must_change_password=True, tutor_group_id=groups.get(row.group))
            s.add(user)
            users[row.username] = user
            created += 1
        elif row.action == "update":
            user.display_name = row.name
            if row.group:
                user.tutor_group_id = groups[row.group]
            s.add(user)
            updated += 1
    s.flush()
    for coach, student in p.new_links:
        s.add(CoachAssignment(coach_id=users[coach].id, student_id=users[student].id))
    _families(s, p, users)
    s.commit()
    return {"created": created, "updated": updated, "groups": len(p.new_groups), "links": len(p.new_links)}


def _families(s: Session, p: Plan, users: dict[str, User]) -> None:
    """Each student with a family key into that family (made when new; its email and language updated)."""
    families = {f.key: f for f in s.exec(select(Family))}
    links = {fs.student_id: fs for fs in s.exec(select(FamilyStudent))}
    for row in p.rows:
        if not row.family:
            continue
        family = families.get(row.family)
        if family is None:
            family = families[row.family] = Family(key=row.family, display_name="", language="en")
            s.add(family)
            s.flush()
        family.email = row.family_email or family.email
        family.language = row.family_language or family.language
        student = users[row.username]
        link = links.get(student.id)
        if link is None:
            links[student.id] = FamilyStudent(family_id=family.id, student_id=student.id)
            s.add(links[student.id])
        else:
            link.family_id = family.id

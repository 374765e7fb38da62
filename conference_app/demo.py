"""The demo school: people and portfolios made by code (Pillow pictures, a PDF, a recording).

Everything goes through the same pipeline as a real upload.
"""
import io
import math
import random
import struct
import wave
from datetime import date, timedelta

from flask import Flask
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import select

from . import db
from .auth.accounts import create_user, set_coaches
from .models import Goal, ItemKind, PortfolioItem, Presentation, Role, Slide, SlideKind, User
from .portfolio import items

PASSWORD = "showcase-demo"
COACHES = [("ms.okafor", "Ms Adaeze Okafor"), ("mr.lindqvist", "Mr Erik Lindqvist")]
# One district's core competencies (as in its reporting policy), as a school would import them.
FRAMEWORK = [
    ("Communication", "Communicating", "I can share my ideas and listen to others."),
    ("Communication", "Collaborating", "I can work with others to reach a shared goal."),
    ("Thinking", "Creative thinking", "I can try new ideas and build on them."),
    ("Thinking", "Critical thinking", "I can question, test and improve my work."),
    ("Personal and social", "Personal awareness", "I can notice what helps me learn and keep going."),
    ("Personal and social", "Social responsibility", "I can contribute to my class and community."),
]
STUDENTS = [("amara", "Amara Mensah", 0), ("leo", "Leo Fischer", 0), ("sofia", "Sofía Herrera", 1),
            ("kai", "Kai Tanaka", 1), ("kofi", "Kofi Mensah", 1)]
# The households (Amara and Kofi are siblings) and their languages, for the e-Portfolio day's invitations.
FAMILIES = {"amara": ("mensah", "en"), "kofi": ("mensah", "en"), "leo": ("fischer", "pl"),
            "sofia": ("herrera", "es"), "kai": ("tanaka", "en")}


def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def png(img: Image.Image) -> io.BytesIO:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    buf.seek(0)
    return buf


def landscape(seed: int) -> Image.Image:
    """A painted sunset over hills and water."""
    rnd = random.Random(seed)
    w, h = 1600, 1100
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    top, bottom = (rnd.randint(40, 90), 40, 120), (250, rnd.randint(140, 190), 90)
    for y in range(h // 2 + 80):
        t = y / (h // 2 + 80)
        d.line([(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    sx = rnd.randint(500, 1100)
    d.ellipse([sx - 110, 420, sx + 110, 640], fill=(255, 214, 120))
    for layer, colour in enumerate([(70, 60, 110), (45, 70, 80), (28, 50, 55)]):
        base = 560 + layer * 70
        pts = [(0, h)] + [(x, base - 90 * math.sin(x / (180 + 60 * layer) + seed + layer) - rnd.randint(0, 25))
                          for x in range(0, w + 40, 40)] + [(w, h)]
        d.polygon(pts, fill=colour)
    for y in range(820, h, 9):
        d.line([(rnd.randint(0, 300), y), (w - rnd.randint(0, 300), y)], fill=(30 + y % 40, 70, 110), width=4)
    d.line([(sx - 100, 840), (sx + 100, 840)], fill=(255, 200, 120), width=6)
    return img


def chart(title: str, labels: list[str], values: list[float], unit: str) -> Image.Image:
    """A bar chart of an experiment, as a student would make it."""
    w, h = 1400, 1000
    img = Image.new("RGB", (w, h), (252, 251, 247))
    d = ImageDraw.Draw(img)
    d.text((80, 50), title, font=font(52), fill=(27, 36, 48))
    x0, y0, x1, y1 = 160, 180, w - 80, h - 160
    d.line([(x0, y0), (x0, y1), (x1, y1)], fill=(27, 36, 48), width=5)
    top = max(values) * 1.15
    colours = [(15, 94, 87), (246, 185, 59), (180, 35, 24), (31, 63, 122), (110, 80, 160)]
    bw = (x1 - x0) / len(values)
    for i, (label, v) in enumerate(zip(labels, values)):
        bx = x0 + i * bw + bw * 0.18
        by = y1 - (y1 - y0) * v / top
        d.rounded_rectangle([bx, by, bx + bw * 0.64, y1 - 3], radius=10, fill=colours[i % len(colours)])
        d.text((bx + 6, by - 52), f"{v:g} {unit}", font=font(36), fill=(27, 36, 48))
        d.text((bx + 6, y1 + 20), label, font=font(34), fill=(27, 36, 48))
    return img


def tessellation(seed: int) -> Image.Image:
    """Maths art: a tessellation of coloured triangles."""
    rnd = random.Random(seed)
    w, h, s = 1200, 1200, 100
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    palette = [(15, 94, 87), (246, 185, 59), (233, 113, 80), (31, 63, 122), (240, 236, 226)]
    for row in range(h // s + 1):
        for col in range(w // s + 1):
            x, y = col * s, row * s
            d.polygon([(x, y), (x + s, y), (x, y + s)], fill=rnd.choice(palette), outline="white")
            d.polygon([(x + s, y), (x + s, y + s), (x, y + s)], fill=rnd.choice(palette), outline="white")
    return img


def owl() -> Image.Image:
    """A drawing of a clay owl."""
    img = Image.new("RGB", (1000, 1200), (236, 228, 212))
    d = ImageDraw.Draw(img)
    d.ellipse([200, 300, 800, 1100], fill=(160, 98, 60))
    d.ellipse([300, 550, 700, 1050], fill=(214, 160, 110))
    for cx in (380, 620):
        d.ellipse([cx - 110, 330, cx + 110, 550], fill="white")
        d.ellipse([cx - 50, 390, cx + 50, 490], fill=(30, 30, 30))
    d.polygon([(500, 520), (460, 600), (540, 600)], fill=(246, 185, 59))
    d.polygon([(230, 330), (300, 180), (360, 320)], fill=(160, 98, 60))
    d.polygon([(770, 330), (700, 180), (640, 320)], fill=(160, 98, 60))
    for i in range(5):
        d.arc([360, 640 + i * 70, 640, 740 + i * 70], 20, 160, fill=(160, 98, 60), width=8)
    return img


def group_photo() -> Image.Image:
    """A 'photo' of a group project with other children in it (drawn, not real)."""
    img = Image.new("RGB", (1500, 1000), (190, 215, 235))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 700, 1500, 1000], fill=(120, 170, 90))
    for i, skin in enumerate([(141, 85, 36), (241, 194, 125), (198, 134, 66), (255, 219, 172)]):
        x = 250 + i * 300
        d.ellipse([x - 70, 330, x + 70, 470], fill=skin)
        shirt = [(15, 94, 87), (246, 185, 59), (180, 35, 24), (31, 63, 122)][i]
        d.rounded_rectangle([x - 100, 470, x + 100, 800], radius=40, fill=shirt)
    d.rounded_rectangle([420, 620, 1080, 900], radius=16, fill=(250, 250, 245), outline=(27, 36, 48), width=6)
    d.text((480, 700), "Our bridge model", font=font(60), fill=(27, 36, 48))
    return img


def lab_report_pdf(student: str) -> io.BytesIO:
    """A three-page lab report, as a PDF."""
    pages = []
    body = [
        ("Does light affect how fast cress grows?", [
            f"Lab report by {student}", "",
            "Question: Will cress seeds grow taller in light or in the dark?",
            "Hypothesis: I think the seeds in the light will grow taller,",
            "because plants use light to make their food.",
        ]),
        ("Method", [
            "1. Put cotton wool in four pots and add 20 seeds to each.",
            "2. Water each pot with 10 ml of water every morning.",
            "3. Keep two pots on the window sill and two in a cupboard.",
            "4. Measure the tallest five shoots in each pot on day 7.",
            "Fair test: same seeds, same water, same pots, same room.",
        ]),
        ("Results and conclusion", [
            "Light pots: 4.1 cm and 3.8 cm on average.",
            "Dark pots: 5.6 cm and 6.0 cm, but pale yellow and floppy.",
            "The dark cress grew taller but weaker: it was stretching",
            "to find light. My hypothesis was wrong, and that surprised me!",
            "Next time I would also weigh the plants.",
        ]),
    ]
    for n, (heading, lines) in enumerate(body, 1):
        page = Image.new("RGB", (1240, 1754), "white")
        d = ImageDraw.Draw(page)
        d.rectangle([0, 0, 1240, 24], fill=(15, 94, 87))
        d.text((100, 120), heading, font=font(52), fill=(27, 36, 48))
        for i, line in enumerate(lines):
            d.text((100, 260 + i * 70), line, font=font(36), fill=(40, 40, 40))
        if n == 3:
            page.paste(chart("Cress height (cm)", ["Light", "Dark"], [3.95, 5.8], "cm").resize((840, 600)), (200, 700))
        d.text((1050, 1660), f"{n} / 3", font=font(30), fill=(120, 120, 120))
        pages.append(page)
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    buf.seek(0)
    return buf


def melody_wav(seed: int) -> io.BytesIO:
    """A short recorder-like tune, as WAV."""
    rate, notes = 16000, [523, 587, 659, 698, 784, 698, 659, 587, 523]
    rnd = random.Random(seed)
    rnd.shuffle(notes)
    frames = bytearray()
    for f in notes:
        for i in range(int(rate * 0.35)):
            env = min(1, i / 400) * max(0, 1 - i / (rate * 0.35))
            sample = env * (0.6 * math.sin(2 * math.pi * f * i / rate) + 0.2 * math.sin(4 * math.pi * f * i / rate))
            frames += struct.pack("<h", int(sample * 12000))
    return _wav(frames, rate)


def _wav(frames: bytearray, rate: int) -> io.BytesIO:
    """16-bit mono samples as a WAV file in memory."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))
    buf.seek(0)
    return buf


def voice_wav(seconds: float = 3.0) -> io.BytesIO:
    """A made-up voice for the demo's spoken reflection: a hum of harmonics that rises and falls in syllables."""
    rate = 16000
    frames = bytearray()
    for i in range(int(rate * seconds)):
        t = i / rate
        pitch = 150 + 25 * math.sin(2 * math.pi * 0.7 * t)
        syllable = max(0.0, math.sin(2 * math.pi * 3.5 * t)) ** 0.6 * min(1, t * 8, (seconds - t) * 8)
        phase = 2 * math.pi * pitch * t
        sample = sum(math.sin(k * phase) / k for k in range(1, 7)) * syllable
        frames += struct.pack("<h", int(sample * 7000))
    return _wav(frames, rate)


ESSAY = """# Why our town needs a library of things

A **library of things** lends tools, games and instruments, not only books.

- People save money when they borrow a drill instead of buying one.
- Less stuff ends up in the bin.
- Neighbours meet each other.

> "The best things in life are shared." (my grandma)

I interviewed *twelve* people on our street, and nine said they would use it.
"""


def _portfolio(s, student: User, n: int) -> None:
    day = date.today() - timedelta(days=60)
    work = [
        (ItemKind.IMAGE, lambda: png(landscape(n)), "Sunset over the estuary", "Art", ["proud", "painting"],
         "I mixed the sky colours myself. The water was the hardest part: my first try looked flat, so I added "
         "lines of light. I learned to paint from the back of the picture to the front.",
         "A painting of an orange sun setting behind purple hills, reflected in dark blue water.", "shareable"),
        (ItemKind.IMAGE, lambda: png(chart("Plant growth in 2 weeks", ["Sun", "Shade", "Dark"], [12, 7, 3], "cm")),
         "Plant growth experiment", "Science", ["science", "grew"],
         "Our group measured three plants every day. I was proud that our results matched our prediction.",
         "A bar chart: plants in the sun grew 12 cm, in shade 7 cm, in the dark 3 cm.", "shareable"),
        (ItemKind.IMAGE, lambda: png(tessellation(n)), "Tessellation", "Maths", ["maths", "hard"],
         "Making the triangles fit with no gaps was hard. I used a grid and rotated each triangle.",
         "", "shareable"),
        (ItemKind.IMAGE, lambda: png(owl()), "Clay owl", "Art", ["proud"],
         "I pressed the feathers with the end of a spoon. It cracked in the kiln, so next time I will make it thinner.",
         "A brown clay owl with big white eyes, a yellow beak and carved feathers.", "coach"),
        (ItemKind.IMAGE, lambda: png(group_photo()), "Bridge model with my group", "Design & Technology",
         ["teamwork"], "Our bridge held 4 kg! I was in charge of testing.",
         "Four children standing behind a white card bridge model.", "shareable"),
        (ItemKind.DOCUMENT, lambda: lab_report_pdf(student.display_name), "Lab report: light and cress",
         "Science", ["science", "hard"],
         "Writing the conclusion was hard because my hypothesis was wrong. My coach said that is real science.",
         "A three-page lab report with a method, results and a bar chart.", "shareable"),
        (ItemKind.AUDIO, lambda: melody_wav(n), "My recorder piece", "Music", ["music", "grew"],
         "In September I could only play three notes. Now I can play the whole tune without stopping.",
         "A short tune played on the recorder.", "shareable"),
    ]
    if student.username == "amara":  # a first try, so that the tessellation has an earlier version
        work.insert(2, (ItemKind.IMAGE, lambda: png(tessellation(n + 7)), "Tessellation: first try", "Maths", ["maths"],
                        "My first pattern had gaps between the shapes.", "A pattern of triangles with white gaps.",
                        "shareable"))
    for i, (_kind, make, title, subject, tags, reflection, alt, visibility) in enumerate(work):
        item, _ = items.add_upload(s, student, make(), f"{title}.png", title=title, subject=subject,
                                   reflection=reflection, alt_text=alt, visibility=visibility,
                                   made_on=day + timedelta(days=i * 7 + n),
                                   shows_children=title.startswith("Bridge"))
        items.set_tags(s, item, tags)
    essay = items.add_written(s, student, ItemKind.WRITING, title="Persuasive writing: a library of things",
                              body=ESSAY, subject="English", visibility="shareable", made_on=day + timedelta(days=50),
                              reflection="I am proud of my interviews. Next time I will add a counter-argument.")
    items.set_tags(s, essay, ["writing", "proud"])
    diary = items.add_written(s, student, ItemKind.WRITING, title="My private learning diary",
                              body="Things I want to get better at: fractions, speaking up in class.",
                              subject="", visibility="private", made_on=day + timedelta(days=55))
    items.set_tags(s, diary, ["diary"])
    s.commit()


def _presentation(s, student: User) -> None:
    """A ready-made presentation from the conference agenda, with some of the student's work in it."""
    from .presentations.slides import template_slides

    for text in ("Play my recorder piece in the school concert", "Use a fair test in every experiment",
                 "Speak up in class at least once a day"):
        s.add(Goal(student_id=student.id, text=text))
    pres = Presentation(owner_id=student.id, title="Spring e-Portfolio day")
    s.add(pres)
    s.flush()
    work = {i.title: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.owner_id == student.id))}
    after = {  # section title -> work slides that follow it: (item title, page, prompt, talking points, seconds)
        "Work I'm proud of": [
            ("Sunset over the estuary", None, "Ask me how I mixed the colours",
             "I mixed the sky colours myself.\nPainting from the back to the front.", 90),
            ("Persuasive writing: a library of things", None, "",
             "I interviewed twelve people on our street.", 60)],
        "Work that was hard": [
            ("Lab report: light and cress", 3, "What would you test next?",
             "My hypothesis was wrong, and that surprised me.\nThat is real science!", 90),
            ("Tessellation", None, "", "Fitting the triangles with no gaps was hard.", 60)],
        "How I grew": [
            ("My recorder piece", None, "Ask me how I practised", "In September I could only play three notes.", 60)],
    }
    slides = []
    for slide in template_slides(pres.id):
        slides.append(slide)
        for title, page, prompt, points, seconds in after.get(slide.title, []):
            if title in work:
                slides.append(Slide(presentation_id=pres.id, kind=SlideKind.ITEM, item_id=work[title].id, page=page,
                                    prompt=prompt, talking_points=points, duration_seconds=seconds))
    for position, slide in enumerate(slides):
        slide.position = position
        s.add(slide)
    s.commit()


def _growth(s, student: User, coach: User) -> None:
    """Self-assessments over the term (one with the coach's view beside it), a version chain, and their slides
    in the ready-made presentation."""
    from .growth import evidence, framework, versions
    from .models import Competency, SlideCompetency

    steps = framework.scale(s)
    comps = {c.name: c for c in s.exec(select(Competency))}
    work = {i.title: i for i in s.exec(select(PortfolioItem).where(PortfolioItem.owner_id == student.id))}
    placements = [  # (work, competency, step 0-3, why, by the coach?)
        ("Tessellation: first try", "Critical thinking", 0, "My shapes did not fit and I did not know why.", False),
        ("Tessellation", "Critical thinking", 2, "I tested each triangle on a grid until they fitted.", False),
        ("Tessellation", "Critical thinking", 2, "Amara checked her own work and fixed it herself.", True),
        ("Lab report: light and cress", "Critical thinking", 3, "I explained why my hypothesis was wrong.", False),
        ("Bridge model with my group", "Collaborating", 1, "I did the testing but I did not share the jobs.", False),
        ("Persuasive writing: a library of things", "Communicating", 2, "I used my interviews as evidence.", False),
        ("My recorder piece", "Personal awareness", 2, "I practised every day and can hear how I improved.", False),
    ]
    for title, comp, step, why, by_coach in placements:
        evidence.place(s, work[title], coach if by_coach else student, comps[comp], steps[step], why)
    from .growth import voice  # a spoken reflection that plays on the slides, and a spoken why
    voice.keep(s, work["Tessellation"], voice_wav())
    voice.set_on_slide(s, work["Tessellation"], True)
    tessellation_why = evidence.own_placement(s, work["Tessellation"], comps["Critical thinking"].id)
    evidence.speak_why(s, tessellation_why, work["Tessellation"], voice_wav(2.0))
    versions.link(s, work["Tessellation"], work["Tessellation: first try"],
                  "I used a grid and rotated each triangle, so there are no gaps.")
    pres = s.exec(select(Presentation).where(Presentation.owner_id == student.id)).first()
    slides = list(s.exec(select(Slide).where(Slide.presentation_id == pres.id).order_by(Slide.position)))
    grew = next(n for n, sl in enumerate(slides) if sl.title == "How I grew")
    growth = Slide(presentation_id=pres.id, kind=SlideKind.GROWTH, title="My growth in critical thinking",
                   talking_points="Start at the first try: what did I change each time?", duration_seconds=90)
    then_now = Slide(presentation_id=pres.id, kind=SlideKind.THEN_NOW, item_id=work["Tessellation"].id,
                     title="Then and now: my tessellation", prompt="Can you spot what changed?",
                     talking_points="Point at the gaps in the first try.", duration_seconds=60)
    slides[grew + 1:grew + 1] = [then_now, growth]
    for position, slide in enumerate(slides):
        slide.position = position
        s.add(slide)
    s.flush()
    s.add(SlideCompetency(slide_id=growth.id, competency_id=comps["Critical thinking"].id))
    s.commit()


def _day(s) -> None:
    """Every student in tutor group 7A, in their family, and an e-Portfolio day a week from now, scheduled."""
    from .days import service
    from .models import PortfolioDay, TutorGroup

    group = TutorGroup(name="7A")
    s.add(group)
    s.flush()
    for username, (key, language) in FAMILIES.items():
        student = s.exec(select(User).where(User.username == username)).one()
        student.tutor_group_id = group.id
        service.put_family(s, student, key, language=language)
    day = PortfolioDay(name="Spring e-Portfolio day", held_on=service.today() + timedelta(days=7),
                       starts_min=9 * 60, ends_min=12 * 60, slot_minutes=20, changeover_minutes=5,
                       group_ids=str(group.id))
    s.add(day)
    s.flush()
    service.set_spaces(s, day, [("Room 4", 1), ("Library", 2)])
    s.commit()
    service.auto_schedule(s, day)
    from .models import Slot
    amara = s.exec(select(User).where(User.username == "amara")).one()
    slot = s.exec(select(Slot).where(Slot.day_id == day.id, Slot.student_id == amara.id)).one()
    slot.presentation_id = s.exec(select(Presentation.id).where(Presentation.owner_id == amara.id)).first()
    slot.message = "Come and see how my tessellation grew, and hear my recorder piece!"
    s.commit()


def build_demo_school(app: Flask):
    """Create the demo school in an empty database; yields lines to print."""
    with app.app_context():
        s = db.session()
        if s.exec(select(User)).first() is None:
            create_user(s, "admin", "Pat Admin (school office)", PASSWORD, Role.ADMIN)
            coaches = [create_user(s, u, name, PASSWORD, Role.COACH) for u, name in COACHES]
            from .growth import framework

            for group, name, statement in FRAMEWORK:
                framework.put(s, group, name, statement)
            s.commit()
            for n, (username, name, coach) in enumerate(STUDENTS):
                student = create_user(s, username, name, PASSWORD, Role.STUDENT)
                set_coaches(s, student, {coaches[coach].id})
                if username != "kofi":
                    _portfolio(s, student, n)
                if username == "amara":
                    _presentation(s, student)
                    _growth(s, student, coaches[coach])
            _day(s)
            yield "Demo school created."
        yield ""
        yield f"  Demo sign-ins (password for all: {PASSWORD})"
        yield "    admin        school admin"
        for username, name in COACHES:
            yield f"    {username:<12} coach ({name})"
        for username, name, coach in STUDENTS:
            yield f"    {username:<12} student ({name}), coached by {COACHES[coach][0]}"

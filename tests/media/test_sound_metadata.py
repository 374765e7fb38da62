"""Sound (and video) uploads keep their sound but lose their metadata: tags written by mutagen, RIFF INFO
chunks, MP4 user-data boxes and times, Matroska titles, apps and dates. Each file is made here and fetched
back through the media route."""
import io
import struct
import wave
from pathlib import Path

import mutagen
import mutagen.apev2
import mutagen.id3
import mutagen.mp3
import mutagen.oggopus
import mutagen.wave
import pytest
from mutagen.ogg import OggPage

from tests.media.test_uploads import stored, upload

SECRETS = (b"Secret Title", b"Ada Lovelace", b"51.5072", b"LavfEncoder", b"2026-05-04")


def _tone(seconds: float = 0.25, rate: int = 8000) -> bytes:
    return b"".join(struct.pack("<h", int(8000 * ((i // 10) % 2 * 2 - 1))) for i in range(int(rate * seconds)))


def _chunk(name: bytes, data: bytes) -> bytes:
    return name + struct.pack("<I", len(data)) + data + (b"\0" if len(data) & 1 else b"")


def tagged_wav(tmp: Path) -> Path:
    """A WAV with a LIST/INFO chunk (title, artist, date, software) and an ID3 chunk written by mutagen."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(_tone())
    body = out.getvalue()[12:]
    info = b"INFO" + _chunk(b"INAM", b"Secret Title\0") + _chunk(b"IART", b"Ada Lovelace\0") + \
        _chunk(b"ICRD", b"2026-05-04\0") + _chunk(b"ISFT", b"LavfEncoder\0")
    body = _chunk(b"LIST", info) + body
    path = tmp / "tagged.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body)
    audio = mutagen.wave.WAVE(path)
    audio.add_tags()
    audio.tags.add(mutagen.id3.TXXX(encoding=3, desc="GPS", text="51.5072,-0.1276"))
    audio.save()
    return path


def tagged_mp3(tmp: Path) -> Path:
    """Silent MPEG-1 layer III frames with ID3v2, ID3v1 and APEv2 tags, all written by mutagen."""
    path = tmp / "tagged.mp3"
    path.write_bytes((b"\xff\xfb\x90\x00" + b"\0" * 413) * 40)
    audio = mutagen.mp3.MP3(path)
    audio.add_tags()
    audio.tags.add(mutagen.id3.TIT2(encoding=3, text="Secret Title"))
    audio.tags.add(mutagen.id3.TPE1(encoding=3, text="Ada Lovelace"))
    audio.tags.add(mutagen.id3.TSSE(encoding=3, text="LavfEncoder"))
    audio.tags.add(mutagen.id3.TDRC(encoding=3, text="2026-05-04"))
    audio.save(v1=2)
    ape = mutagen.apev2.APEv2()
    ape["Comment"] = "51.5072"
    ape.save(path)
    return path


def tagged_opus(tmp: Path) -> Path:
    """An Ogg Opus stream (head, tags, 50 silent 20 ms packets) with tags and a vendor written by mutagen."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 7) + b"initial" + struct.pack("<I", 0)
    pages = []
    for n, (packets, position) in enumerate([([head], 0), ([tags], 0), ([b"\xf8\xff\xfe"] * 50, 50 * 960)]):
        page = OggPage()
        page.serial, page.sequence, page.position, page.packets = 7, n, position, packets
        page.first = n == 0
        page.last = n == 2
        pages.append(page.write())
    path = tmp / "tagged.opus"
    path.write_bytes(b"".join(pages))
    audio = mutagen.oggopus.OggOpus(path)
    audio.tags["title"] = "Secret Title"
    audio.tags["artist"] = "Ada Lovelace"
    audio.tags["location"] = "51.5072"
    audio.tags.vendor = "LavfEncoder"
    audio.save()
    return path


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload) + 8) + kind + payload


def tagged_m4a(tmp: Path) -> Path:
    """An M4A skeleton: iTunes-style title and artist in moov/udta/meta/ilst, a place in udta, and dates."""
    mvhd = _box(b"mvhd", b"\0\0\0\0" + struct.pack(">II", 0x7E000000, 0x7E000001) + b"\0" * 88)
    ilst = _box(b"ilst", _box(b"\xa9nam", _box(b"data", b"\0\0\0\1\0\0\0\0Secret Title"))
                + _box(b"\xa9ART", _box(b"data", b"\0\0\0\1\0\0\0\0Ada Lovelace")))
    udta = _box(b"udta", _box(b"meta", b"\0\0\0\0" + ilst) + _box(b"\xa9xyz", b"\0\x10\0\0+51.5072-000.1276/"))
    data = _box(b"ftyp", b"M4A \0\0\0\0M4A isom") + _box(b"moov", mvhd + udta) + _box(b"mdat", _tone(0.05))
    path = tmp / "tagged.m4a"
    path.write_bytes(data)
    return path


def _fetch(app, client) -> bytes:
    (original,) = stored(app, "original")
    response = client.get(f"/media/{original.id}")
    assert response.status_code == 200
    data = response.data
    response.close()
    assert len(data) == original.size
    return data


@pytest.fixture
def as_ada(make, login_as):
    return login_as(make.student("ada"))


def _upload(client, path: Path) -> None:
    response = upload(client, path.name, path.read_bytes())
    assert response.status_code == 201, response.text[:300]


def test_a_wav_keeps_its_sound_and_loses_its_chunks_of_details(app, as_ada, tmp_path):
    path = tagged_wav(tmp_path)
    assert all(secret in path.read_bytes() for secret in (b"Secret Title", b"51.5072"))  # the test can fail
    _upload(as_ada, path)
    data = _fetch(app, as_ada)
    assert not any(secret in data for secret in SECRETS)
    assert b"LIST" not in data and b"id3 " not in data
    with wave.open(io.BytesIO(data)) as w:  # still decodes, to the same sound
        assert (w.getframerate(), w.getnchannels()) == (8000, 1)
        assert w.readframes(w.getnframes()) == _tone()
    clean = tmp_path / "clean.wav"
    clean.write_bytes(data)
    assert mutagen.wave.WAVE(clean).tags is None


def test_an_mp3_loses_its_id3_and_ape_tags(app, as_ada, tmp_path):
    path = tagged_mp3(tmp_path)
    assert mutagen.mp3.MP3(path).tags is not None and b"APETAGEX" in path.read_bytes()
    _upload(as_ada, path)
    data = _fetch(app, as_ada)
    assert not any(secret in data for secret in SECRETS)
    assert b"ID3" not in data and b"TAG" not in data and b"APETAGEX" not in data
    clean = tmp_path / "clean.mp3"
    clean.write_bytes(data)
    audio = mutagen.mp3.MP3(clean)  # still a stream of MPEG audio frames
    assert audio.tags is None and audio.info.length > 0.9 and audio.info.sample_rate == 44100
    assert data == (b"\xff\xfb\x90\x00" + b"\0" * 413) * 40


def test_an_ogg_opus_loses_its_comments_and_vendor(app, as_ada, tmp_path):
    path = tagged_opus(tmp_path)
    assert mutagen.oggopus.OggOpus(path).tags["title"] == ["Secret Title"]
    _upload(as_ada, path)
    data = _fetch(app, as_ada)
    assert not any(secret in data for secret in SECRETS)
    clean = tmp_path / "clean.opus"
    clean.write_bytes(data)
    audio = mutagen.oggopus.OggOpus(clean)
    assert dict(audio.tags) == {} and audio.tags.vendor == ""
    assert audio.info.channels == 1 and audio.info.length == pytest.approx(1.0, abs=0.01)


def test_an_m4a_loses_its_user_data_and_dates_and_keeps_its_offsets(app, as_ada, tmp_path):
    path = tagged_m4a(tmp_path)
    _upload(as_ada, path)
    data = _fetch(app, as_ada)
    assert not any(secret in data for secret in SECRETS)
    assert len(data) == path.stat().st_size  # boxes became free boxes of the same size: no offset moved
    assert b"udta" not in data and b"ilst" not in data and b"\x7e\x00\x00\x00" not in data
    assert data.endswith(_box(b"mdat", _tone(0.05)))


def test_a_sound_file_whose_structure_is_broken_is_refused_not_kept_with_its_tags(app, as_ada, tmp_path):
    good = tagged_m4a(tmp_path).read_bytes()
    assert good[36:40] == b"mvhd"
    response = upload(as_ada, "broken.m4a", good[:32] + struct.pack(">I", 9999) + good[36:])  # past its moov
    assert response.status_code == 422 and "could not be cleaned" in response.text
    assert stored(app) == []
    assert not any(p.is_file() for p in Path(app.config["MEDIA_ROOT"]).rglob("*"))


def _el(ident: int, data: bytes, unknown: bool = False) -> bytes:
    size = (b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown else bytes([0x80 | len(data)]) if len(data) < 127
            else (0x10000000 | len(data)).to_bytes(4, "big"))
    return ident.to_bytes((ident.bit_length() + 7) // 8, "big") + size + data


def tagged_webm() -> bytes:
    """A browser-recording-shaped WebM: a live Segment and Cluster of unknown size, the app and a title in
    Info, a named track, and Tags."""
    header = _el(0x1A45DFA3, _el(0x4282, b"webm") + _el(0x4287, b"\x04"))
    info = _el(0x1549A966, _el(0x2AD7B1, b"\x0f\x42\x40") + _el(0x4D80, b"LavfEncoder")
               + _el(0x5741, b"LavfEncoder") + _el(0x7BA9, b"Secret Title") + _el(0x4461, b"\0" * 8))
    tracks = _el(0x1654AE6B, _el(0xAE, _el(0xD7, b"\x01") + _el(0x536E, b"Ada Lovelace") + _el(0x86, b"A_OPUS")))
    cluster = _el(0x1F43B675, _el(0xE7, b"\x00") + _el(0xA3, b"\x81\x00\x00\x80\xf8\xff\xfe"), unknown=True)
    tags = _el(0x1254C367, _el(0x7373, _el(0x67C8, _el(0x45A3, b"LOCATION") + _el(0x4487, b"51.5072"))))
    return header + _el(0x18538067, info + tracks + cluster + tags, unknown=True)


def test_a_webm_recording_loses_its_title_apps_names_and_tags_and_keeps_its_blocks(app, as_ada):
    original = tagged_webm()
    assert all(secret in original for secret in (b"Secret Title", b"Ada Lovelace", b"LavfEncoder", b"51.5072"))
    assert upload(as_ada, "reflection.webm", original).status_code == 201
    data = _fetch(app, as_ada)
    assert not any(secret in data for secret in SECRETS)
    assert len(data) == len(original) and b"\xa3\x87\x81\x00\x00\x80\xf8\xff\xfe" in data
    assert b"A_OPUS" in data and data.startswith(original[:40])


def test_a_webm_recording_cut_short_is_still_cleaned(app, as_ada):
    original = tagged_webm()
    cut = original[:original.index(b"\xa3\x87") + 5]  # inside the last block: the Tags after it are gone anyway
    assert b"LavfEncoder" in cut
    assert upload(as_ada, "cut.webm", cut).status_code == 201
    data = _fetch(app, as_ada)
    assert len(data) == len(cut) and not any(secret in data for secret in SECRETS)


@pytest.mark.parametrize("data", [
    bytes.fromhex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581020000") + b"\0" * 70,
    tagged_webm()[:tagged_webm().index(bytes.fromhex("1f43b675"))],  # a header, Info and Tracks: no cluster
], ids=["header-then-zeros", "no-cluster"])
def test_a_webm_recording_with_no_sound_in_it_is_refused_with_why(app, as_ada, data):
    response = upload(as_ada, "reflection.webm", data)
    assert response.status_code == 422 and "Nothing was heard in this recording" in response.text
    assert stored(app) == []

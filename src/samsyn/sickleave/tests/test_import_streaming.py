"""The import streams a JSON file (`jsonfast.stream_certificates`) into its staging table:
the cuts fall between items whatever the texts hold, the file is read a block at a time,
and a document that cannot be read in pieces is read whole with today's answers."""

from __future__ import annotations

import io
import json

import pytest

from samsyn.sickleave import jsonfast
from samsyn.sickleave.importing import JSON, CertificateSource, DocumentError, open_certificate_file
from samsyn.sickleave.models import Certificate, SickLeaveCase
from samsyn.sickleave.tests.importing_helpers import cert, run

TRICKY = ['"},{"', "}, {", '{"id": "X"}', "],[", "\\", "åäö ✓ }", '"}]']


def _document(n: int = 40, indent: int | None = None) -> bytes:
    items = [
        cert(f"T-{k}", "191212121212", prognosis=TRICKY[k % len(TRICKY)] + " " * (k % 5))
        for k in range(n)
    ]
    return json.dumps(items, ensure_ascii=False, indent=indent).encode()


class Recorder(io.BytesIO):
    """A stored file that remembers what was asked of it."""

    def __init__(self, data: bytes, piece: int | None = None):
        super().__init__(data)
        self.asked: list[int] = []
        self.piece = piece

    def read(self, size=-1):
        self.asked.append(size)
        if self.piece and size and size > 0:
            size = min(size, self.piece)
        return super().read(size)


@pytest.mark.parametrize(("piece", "indent"), [(1, None), (7, 2), (64, None), (100_000, 1)])
def test_the_stream_cuts_only_between_items(piece, indent):
    data = _document(indent=indent)
    expected = [bytes(raw) for raw in jsonfast.split_certificates(data)]

    got = [
        bytes(raw)
        for part in jsonfast.stream_certificates(Recorder(data, piece).read)
        for raw in part
    ]

    assert got == expected
    assert len(got) == 40


@pytest.mark.parametrize(
    "data",
    [
        b'{"certificates": [{"id": "A"}]}',  # the wrapped form: read whole
        b'[{"id": "A"},]',  # a comma before the end
        b'[{"id": "A"}, {"id": "B"}',  # cut off
        b'[{"id": "A"}] x',  # something after the list
        b'[{"id": "A\x00"}]',  # a NUL byte
        b'[{"id": "A"}, {"id": "\xe5"}]',  # Latin-1, not UTF-8
        b"\xef\xbb\xbf[]",  # a byte-order mark
        b"",
    ],
)
def test_the_stream_refuses_what_it_cannot_read_in_pieces(data):
    with pytest.raises(jsonfast.NotStreamable):
        for _ in jsonfast.stream_certificates(Recorder(data, 5).read):
            pass


def test_a_file_is_read_a_block_at_a_time_never_whole(monkeypatch):
    monkeypatch.setattr(jsonfast, "_BLOCK", 256)
    data = _document(200)
    stored = Recorder(data)
    source = CertificateSource(kind=JSON, opener=lambda: stored)

    items = list(source.items())

    assert len(items) == 200
    assert [line for line, _ in items] == list(range(1, 201))
    assert len(stored.asked) > 10
    assert set(stored.asked) == {256}
    assert [c.id for _, c in items] == [c.id for _, c in open_certificate_file(JSON, data).items()]


@pytest.mark.django_db
def test_a_document_broken_after_its_first_items_writes_nothing_and_says_why(
    monkeypatch, tmp_path, anna
):
    monkeypatch.setattr(jsonfast, "_BLOCK", 64)
    good = [
        cert(f"A-{k}", anna, start=f"2025-0{k + 1}-01", end=f"2025-0{k + 1}-10") for k in range(5)
    ]
    data = json.dumps(good).encode()[:-1] + b', {"id": "A-9", '  # cut off at the end
    path = tmp_path / "intyg.json"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as whole:
        open_certificate_file(JSON, data)

    code, _, err = run(path)

    assert code == 2
    assert str(whole.value) in err
    assert not Certificate.objects.exists()
    assert not SickLeaveCase.objects.exists()


@pytest.mark.django_db
def test_a_document_only_json_loads_reads_is_read_again_whole(monkeypatch, tmp_path, anna):
    """msgspec refuses NaN, json.loads does not: the stream stops after some items and the
    import starts over from the whole file, with the answers of before streaming."""
    monkeypatch.setattr(jsonfast, "_BLOCK", 64)
    good = [
        cert(f"A-{k}", anna, start=f"2025-0{k + 1}-01", end=f"2025-0{k + 1}-10") for k in range(5)
    ]
    text = json.dumps([*good, cert("A-1", anna), cert("N-1", anna, degree=0)])
    text = text[: text.rindex('"degree": 0')] + '"degree": NaN}], "diagnoses": ["M54.5"]}]'
    path = tmp_path / "intyg.json"
    path.write_text(text, encoding="utf-8")
    asked = []
    items = CertificateSource.items

    def counted(self):
        asked.append(self.opener is not None)  # True: streamed; False: read whole
        return items(self)

    monkeypatch.setattr(CertificateSource, "items", counted)

    code, out, _ = run(path)

    assert code == 0
    assert out.splitlines()[0] == "Importerade 5 intyg för 1 person."
    assert sorted(Certificate.objects.values_list("external_id", flat=True)) == [
        f"A-{k}" for k in range(5)
    ]
    rejected = out.splitlines()[1:]
    assert len(rejected) == 2
    assert rejected[0].startswith("rad 6, intyg A-1: ")
    assert "förekommer mer än en gång (första gången som intyg nummer 2)" in rejected[0]
    assert rejected[1].startswith("rad 7, intyg N-1: ")
    assert SickLeaveCase.objects.filter(person=anna).count() == 5
    assert asked == [True, False]

"""Hostile inputs (issue 16, "no crash, no silent loss"): each case is a file the test writes, and the test
checks the exact rows, rejections and notes, and that every input is accounted for:
inputs in == the rows' distinct origins + the rejections."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.load import notes, rejections

# Written for these tests: short Arabic news stories, different enough not to be near duplicates.
STORIES = [
    "ضربت عاصفة رملية قوية مدينة الرياض صباح اليوم، وأدت إلى تراجع مدى الرؤية على الطرق السريعة.",
    "أعلنت وزارة الصحة افتتاح مستشفى جديد في مدينة جدة يضم مئتي سرير وقسما للطوارئ.",
    "فاز المنتخب الوطني على نظيره في مباراة ودية أقيمت مساء أمس على الملعب الدولي.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج الذي أعلنته الدول المصدرة.",
    "افتتح معرض الكتاب الدولي أبوابه للزوار بمشاركة مئات من دور النشر العربية والأجنبية.",
    "حذرت هيئة الأرصاد من أمطار غزيرة وسيول متوقعة على المناطق الجنوبية خلال الأيام المقبلة.",
]


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def json_line(article_id: str, text: str, **fields: Any) -> str:
    return json.dumps({"id": article_id, "text": text, **fields}, ensure_ascii=False)


def load(inputs: Any, **options: Any) -> pd.DataFrame:
    """load_articles without its warnings (the tests read the rejections and notes themselves)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return toolkit.load_articles(inputs, **options)


def listed(frame: pd.DataFrame, root: Path) -> list[tuple[str, str]]:
    """Rejections or notes as (origin relative to root, reason or note)."""
    return [(origin.removeprefix(f"{root.as_posix()}/"), text) for origin, text in frame.itertuples(index=False)]


def assert_accounted(articles: pd.DataFrame, inputs: int) -> None:
    assert articles["origin"].nunique() + len(rejections(articles)) == inputs


# ---------------------------------------------------------------- dates that are not dates


UNREAD_DATE = "is no date it can read (a number, an unknown spelling or a year outside 1678-2261)"
DATED = {
    "ok": "2025-03-01T08:30:00+03:00",
    "epoch": 1700000000,
    "year1": "0001-01-01T00:00:00",
    "year9999": "9999-12-31",
}


@pytest.mark.parametrize("kind", ["json", "jsonl"])
def test_a_date_that_is_no_date_leaves_published_at_empty_with_a_note(tmp_path, kind: str) -> None:
    # The story is kept: its text is the data, its date metadata (a number is no date: seconds? milliseconds?).
    records = [
        {"id": name, "text": story, "date": value}
        for (name, value), story in zip(DATED.items(), STORIES[:4], strict=True)
    ]
    text = json.dumps(records) if kind == "json" else "\n".join(json.dumps(r) for r in records)
    write(tmp_path / f"export.{kind}", text)
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["ok", "epoch", "year1", "year9999"]
    assert articles["published_at"].tolist()[0] == pd.Timestamp("2025-03-01 05:30", tz="UTC")
    assert articles["published_at"].isna().tolist() == [False, True, True, True]
    assert listed(notes(articles), tmp_path) == [
        (f"export.{kind}:2", f"published_at left empty: 1700000000 {UNREAD_DATE}"),
        (f"export.{kind}:3", f"published_at left empty: '0001-01-01T00:00:00' {UNREAD_DATE}"),
        (f"export.{kind}:4", f"published_at left empty: '9999-12-31' {UNREAD_DATE}"),
    ]
    assert rejections(articles).empty
    assert_accounted(articles, 4)


def test_parquet_dates_out_of_range_and_numbers_leave_published_at_empty_with_a_note(tmp_path) -> None:
    times = [datetime(2025, 3, 1, 8, 30), datetime(1, 1, 1), datetime(9999, 12, 31)]
    pd.DataFrame({"id": ["ok", "year1", "year9999"], "text": STORIES[:3], "date": times}).to_parquet(
        tmp_path / "times.parquet"
    )
    pd.DataFrame({"id": ["epoch"], "text": STORIES[3:4], "date": [1700000000]}).to_parquet(tmp_path / "epoch.parquet")
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["epoch", "ok", "year1", "year9999"]
    assert articles["published_at"].isna().tolist() == [True, False, True, True]
    assert listed(notes(articles), tmp_path) == [
        ("epoch.parquet:1", f"published_at left empty: 1700000000 {UNREAD_DATE}"),
        ("times.parquet:2", f"published_at left empty: Timestamp('0001-01-01 00:00:00') {UNREAD_DATE}"),
        ("times.parquet:3", f"published_at left empty: Timestamp('9999-12-31 00:00:00') {UNREAD_DATE}"),
    ]
    assert rejections(articles).empty
    assert_accounted(articles, 4)


def test_notes_are_written_beside_the_articles_and_read_back(tmp_path) -> None:
    lines = [json_line("ok", STORIES[0]), json_line("n", STORIES[1], date=5)]
    write(tmp_path / "in" / "export.jsonl", "\n".join(lines))
    path = tmp_path / "out" / "articles.parquet"
    toolkit.save_articles(load(tmp_path / "in"), path)
    again = toolkit.read_articles(path)
    assert listed(notes(again), tmp_path / "in") == [("export.jsonl:2", f"published_at left empty: 5 {UNREAD_DATE}")]
    assert pd.read_csv(tmp_path / "out" / "articles.notes.csv").columns.tolist() == ["origin", "note"]


# ---------------------------------------------------------------- fields this cannot read or write


def test_tags_that_are_a_number_or_a_map_reject_their_record(tmp_path) -> None:
    lines = [
        json_line("ok", STORIES[0], tags=["طقس", "الرياض"]),
        json_line("number", STORIES[1], tags=5),
        json_line("map", STORIES[2], tags={"طقس": 1}),
        json_line("maps", STORIES[3], tags=[{"name": "طقس"}]),
    ]
    write(tmp_path / "export.jsonl", "\n".join(lines))
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["ok"] and articles["tags"].tolist() == [["طقس", "الرياض"]]
    assert listed(rejections(articles), tmp_path) == [
        ("export.jsonl:2", "tags must be text or a list of text, not 5"),
        ("export.jsonl:3", "tags must be text or a list of text, not {'طقس': 1}"),
        ("export.jsonl:4", "tags must be text or a list of text, not [{'name': 'طقس'}]"),
    ]
    assert_accounted(articles, 4)


@pytest.mark.parametrize("field", ["id", "source", "url", "category"])
def test_a_lone_surrogate_in_a_field_kept_as_written_rejects_its_record(tmp_path, field: str) -> None:
    # Half of an emoji's escape pair: no encoding can write it, and these fields are kept as written (the text
    # and title drop it when they are canonicalised: tests/test_load.py).
    lines = [json_line("ok", STORIES[0]), json.dumps({"id": "bad", "text": STORIES[1], field: "x\ud83d"})]
    write(tmp_path / "in" / "export.jsonl", "\n".join(lines))
    articles = load(tmp_path / "in")
    assert articles["article_id"].tolist() == ["ok"]
    reason = f"{field} 'x\\ud83d' has a lone surrogate (half of a \\u escape pair), which UTF-8 cannot write"
    assert listed(rejections(articles), tmp_path / "in") == [("export.jsonl:2", reason)]
    assert_accounted(articles, 2)
    toolkit.save_articles(articles, tmp_path / "out" / "articles.parquet")


def test_json_nested_100k_deep_is_rejected_and_the_rest_loads(tmp_path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    levels_1000 = "[" * 1000 + "]" * 1000  # orjson reads it (1,024 levels), but its str or repr would recurse too deep
    lines = [
        json_line("ok", STORIES[0]),
        deep,
        f'{{"id": "deep-title", "text": "{STORIES[1]}", "title": {levels_1000}}}',
        f'{{"id": "deep-date", "text": "{STORIES[2]}", "date": {levels_1000}}}',
        json_line("after", STORIES[3]),
    ]
    write(tmp_path / "deep.json", deep)
    write(tmp_path / "export.jsonl", "\n".join(lines))
    write(tmp_path / "page.txt", STORIES[4])
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["ok", "deep-date", "after", "page"]
    too_deep = "nested too deep: over Python's recursion limit, about 1,000 levels"
    assert listed(rejections(articles), tmp_path) == [
        ("deep.json", f"malformed JSON ({too_deep})"),
        ("export.jsonl:2", f"malformed JSON line ({too_deep})"),
        ("export.jsonl:3", f"malformed record ({too_deep})"),
    ]
    assert listed(notes(articles), tmp_path) == [
        ("export.jsonl:4", f"published_at left empty: [[[[[[[...]]]]]]] {UNREAD_DATE}")
    ]
    assert_accounted(articles, 7)


def test_a_file_name_that_is_not_utf8_is_rejected_and_the_rest_loads(tmp_path) -> None:
    (tmp_path / "in").mkdir()
    bad = bytes(tmp_path / "in") + b"/\xff\xfe-page.txt"  # Latin-1 or Windows-1256 bytes, not UTF-8
    with open(bad, "wb") as file:
        file.write(STORIES[0].encode("utf-8"))
    write(tmp_path / "in" / "good.txt", STORIES[1])
    shown = (
        "\\udcff\\udcfe-page.txt",
        "file name is not UTF-8 (its bytes are shown as \\udcXX): rename the file to load it",
    )
    for inputs in (tmp_path / "in", [os.fsdecode(bad), tmp_path / "in" / "good.txt"]):  # a folder, or the files
        articles = load(inputs)
        assert articles["article_id"].tolist() == ["good"]
        assert listed(rejections(articles), tmp_path / "in") == [shown]
        assert_accounted(articles, 2)
    rejections_csv = toolkit.save_articles(articles, tmp_path / "out" / "articles.parquet")
    assert pd.read_csv(rejections_csv)["reason"].tolist() == [shown[1]]


# ---------------------------------------------------------------- outputs


@pytest.mark.skipif(not Path("/dev/full").exists() or not Path("/sys").is_dir(), reason="needs Linux /dev and /sys")
@pytest.mark.parametrize(
    ("output", "problem"),
    [
        ("/dev/full", "not a file (a folder or a device such as /dev/full): name a file to write"),
        ("/sys/articles.parquet", "cannot write (Permission denied)"),  # no one may make files in /sys, not even root
        ("/sys/toolkit/articles.parquet", "cannot write (Operation not permitted)"),
    ],
)
def test_clean_to_an_unwritable_output_is_one_line_naming_it(tmp_path, capsys, output: str, problem: str) -> None:
    write(tmp_path / "page.txt", STORIES[0])
    assert main(["clean", str(tmp_path), "-o", output]) == 2
    error = capsys.readouterr().err.split("\r")[-1]  # (after the progress bar, which clears itself)
    assert error == f"toolkit clean: error: {output}: {problem}\n"
    assert not Path("/dev/full.rejections.csv").exists() and not Path("/dev/full.notes.csv").exists()
    with pytest.raises(InputError, match=f"^{output}: "):
        toolkit.save_articles(load(tmp_path), output)


# ---------------------------------------------------------------- encodings


def test_a_json_line_that_is_not_utf8_is_rejected_and_the_others_keep_their_letters(tmp_path) -> None:
    # The file is UTF-8 (its Arabic lines say so), but one line was pasted from a Windows-1256 file.
    lines = [
        json_line("one", STORIES[0]).encode("utf-8"),
        json_line("legacy", STORIES[1]).encode("cp1256"),
        json_line("two", STORIES[2]).encode("utf-8"),
    ]
    write(tmp_path / "export.jsonl", b"\n".join(lines))
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["one", "two"]
    assert articles["text"].tolist() == [STORIES[0], STORIES[2]]  # not decoded as Windows-1256: no mojibake
    assert listed(rejections(articles), tmp_path) == [
        ("export.jsonl:2", "not UTF-8 as the rest of the file (byte 27 of the line)")  # its first letter
    ]
    assert_accounted(articles, 3)


def test_a_json_lines_file_all_in_windows_1256_is_still_read(tmp_path) -> None:
    lines = [json_line("one", STORIES[0]), json_line("two", STORIES[1])]
    write(tmp_path / "export.jsonl", "\n".join(lines).encode("cp1256"))
    articles = load(tmp_path)
    assert articles["text"].tolist() == STORIES[:2]
    assert rejections(articles).empty


# ---------------------------------------------------------------- one bad record, not its file


def test_a_url_it_cannot_read_loses_nothing(tmp_path) -> None:
    # urlsplit raises on an unclosed IPv6 bracket: the record loads, with its url as written and no site from it.
    lines = [json_line(f"n{k}", f"{STORIES[k % 6]} {k}", url=f"https://www.example.com/{k}") for k in range(10)]
    lines[3] = json_line("n3", f"{STORIES[3]} 3", url="http://[::1/x")
    write(tmp_path / "export.jsonl", "\n".join(lines))
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == [f"n{k}" for k in range(10)]
    assert articles["url"].tolist()[2:4] == ["https://www.example.com/2", "http://[::1/x"]
    assert articles["source"][2] == "example.com" and pd.isna(articles["source"][3])
    assert rejections(articles).empty
    assert_accounted(articles, 10)


# ---------------------------------------------------------------- NUL bytes


def test_nul_padding_at_the_end_of_a_text_file_is_stripped_with_a_note(tmp_path) -> None:
    # Legacy Windows tools end a text file with a NUL, or pad it with NULs to a block.
    files = {
        "utf8.txt": STORIES[0].encode("utf-8") + b"\x00",
        "windows.txt": STORIES[1].encode("cp1256") + b"\x00" * 7,
        "export.csv": f'id,text\ncsv,"{STORIES[2]}"\n'.encode() + b"\x00",
        "record.json": json_line("json", STORIES[3]).encode() + b"\x00\x00",
        "export.jsonl": (json_line("jsonl", STORIES[4]) + "\n").encode() + b"\x00",
    }
    for name, data in files.items():
        write(tmp_path / name, data)
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["csv", "jsonl", "json", "utf8", "windows"]  # files by name
    assert articles["text"].tolist() == [STORIES[2], STORIES[4], STORIES[3], STORIES[0], STORIES[1]]
    padded = {name: data.count(0) for name, data in files.items()}
    assert sorted(listed(notes(articles), tmp_path)) == sorted(
        (name, f"NUL padding stripped from the ends ({padded[name]} of {len(data)} bytes)")
        for name, data in files.items()
    )
    assert rejections(articles).empty
    assert_accounted(articles, 5)


def test_a_nul_line_in_json_lines_rejects_only_that_line(tmp_path) -> None:
    lines = [json_line("one", STORIES[0]).encode(), b"\x00" * 12, json_line("two", STORIES[1]).encode()]
    write(tmp_path / "export.jsonl", b"\n".join(lines))
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["one", "two"]
    assert listed(rejections(articles), tmp_path) == [("export.jsonl:2", "binary data (NUL bytes), not a JSON line")]
    assert notes(articles).empty
    assert_accounted(articles, 3)


def test_binary_files_are_still_rejected_and_utf16_still_read(tmp_path) -> None:
    write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    write(tmp_path / "zeros.jsonl", b"\x00\x01\x02\x03 abc \x00 def\n\x00\x05\x00")  # UTF-8, but no JSON line in it
    write(tmp_path / "latin.jsonl", b"\x00\xc9\xe9\x00\n\xff\x00\xfe")  # not UTF-8 either
    # UTF-16 without a BOM ends with a NUL when its last character is ASCII: not padding.
    write(tmp_path / "utf16.txt", (STORIES[0] + "\n").encode("utf-16-le"))
    write(tmp_path / "utf16.jsonl", (json_line("utf16-line", STORIES[1]) + "\n").encode("utf-16-le"))
    articles = load(tmp_path)
    assert articles.set_index("article_id")["text"].to_dict() == {"utf16": STORIES[0], "utf16-line": STORIES[1]}
    assert listed(rejections(articles), tmp_path) == [
        ("image.txt", "binary file (NUL bytes), not text"),
        ("latin.jsonl", "binary file (NUL bytes), not text"),
        ("zeros.jsonl", "binary file (NUL bytes), not text"),
    ]
    assert notes(articles).empty
    assert_accounted(articles, 5)


# ---------------------------------------------------------------- CSV quotes


def test_a_csv_quote_left_open_rejects_its_row_and_not_the_rows_after_it(tmp_path) -> None:
    # A lenient reader makes «q1»'s text run on to the next quote, taking in row q2 without a word.
    write(tmp_path / "export.csv", f'id,text\nq1,"{STORIES[0]}\nq2,"{STORIES[1]}"\nq3,{STORIES[2]}\n')
    # One quote left open at the end of the file; a row with a field too many.
    write(tmp_path / "export.tsv", f'id\ttext\nt1\t"{STORIES[3]}"\nt2\t{STORIES[4]}\textra\nt3\t"{STORIES[5]}\n')
    # Well-formed: a story of two paragraphs, quotes written twice.
    story = f'{STORIES[0]}\n\n"{STORIES[1]}"'
    write(tmp_path / "good.csv", 'id,text\ng1,"{}"\n'.format(story.replace('"', '""')))
    articles = load(tmp_path)
    assert articles["article_id"].tolist() == ["q2", "q3", "t1", "g1"]
    assert articles["text"].tolist() == [STORIES[1], STORIES[2], STORIES[3], story]
    assert listed(rejections(articles), tmp_path) == [
        (
            "export.csv:1",
            "row from line 2 does not parse (',' expected after '\"': a quote left open?); the lines after it are rows",
        ),
        ("export.tsv:2", "row from line 3 has 3 fields, the header 2"),
        (
            "export.tsv:3",
            "row from line 4 does not parse (unexpected end of data: a quote left open?); the lines after it are rows",
        ),
    ]
    assert_accounted(articles, 7)


def test_csv_read_strictly_still_reads_what_pandas_read(tmp_path) -> None:
    long_story = " ".join([STORIES[1]] * 2000)  # over csv's default field limit (131,072 characters)
    rows = [
        "\ufeffid,text,text,title",  # a BOM; a name twice: the first is the text, the second "text.1"
        f"r1,{STORIES[0]},other,",
        "",  # a blank line
        f"r2,{long_story}",  # a short row: the missing fields are empty
    ]
    write(tmp_path / "export.csv", "\r\n".join(rows))
    articles = load(tmp_path, column_map={"title": "text.1"})
    assert articles["article_id"].tolist() == ["r1", "r2"]
    assert articles["text"].tolist() == [STORIES[0], long_story]
    assert articles["title"].tolist()[0] == "other" and pd.isna(articles["title"][1])
    assert rejections(articles).empty


# ---------------------------------------------------------------- ids


def test_a_record_id_like_an_embedded_storys_is_made_unique_not_fatal(tmp_path, seed_page: Path) -> None:
    # The seed page gives rows x, x#e1 (its embedded story), x#h1 ... x#h9; an export has records x#e1 and x#h2.
    write(tmp_path / "x.txt", seed_page.read_bytes())
    write(tmp_path / "export.jsonl", "\n".join([json_line("x#e1", STORIES[0]), json_line("x#h2", STORIES[1])]))
    articles = load(tmp_path)
    headlines = ["x#h1", "x#h2~2", *(f"x#h{n}" for n in range(3, 10))]
    assert articles["article_id"].tolist() == ["x#e1", "x#h2", "x", "x#e1~2", *headlines]  # export.jsonl first
    assert articles["kind"].tolist() == ["article"] * 3 + ["embedded"] + ["headline"] * 9
    assert articles["parent_id"].tolist()[3:] == ["x"] * 10
    assert articles.set_index("article_id")["duplicate_of"].dropna().to_dict() == {"x#h3": "x#e1~2"}
    assert rejections(articles).empty
    assert_accounted(articles, 3)


# ---------------------------------------------------------------- outputs replaced whole


def clean_twice_setup(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    """A first `toolkit clean` run's output folder, and the input of a second run: (input, output, files)."""
    write(tmp_path / "first" / "page.txt", STORIES[0])
    write(tmp_path / "first" / "empty.txt", b"")
    write(tmp_path / "second" / "page.txt", STORIES[1])
    output = tmp_path / "out" / "articles.parquet"
    assert main(["clean", str(tmp_path / "first"), "-o", str(output)]) == 0
    return tmp_path / "second", output, files_in(output.parent)


def files_in(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_write_that_fails_leaves_the_old_files_whole(tmp_path, monkeypatch, capsys) -> None:
    second, output, before = clean_twice_setup(tmp_path)
    assert sorted(before) == ["articles.notes.csv", "articles.parquet", "articles.rejections.csv"]

    def disk_full(self: pd.DataFrame, file: BinaryIO, **options: Any) -> None:
        file.write(b"PAR1 half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", disk_full)
    capsys.readouterr()
    assert main(["clean", str(second), "-o", str(output)]) == 2
    assert (
        capsys.readouterr().err.split("\r")[-1]
        == f"toolkit clean: error: {output}: cannot write (No space left on device)\n"
    )
    assert files_in(output.parent) == before  # and no temporary file left


def test_kill_9_while_writing_leaves_the_old_files_whole(tmp_path) -> None:
    second, output, before = clean_twice_setup(tmp_path)
    script = f"""
import os, signal, sys
import pandas as pd
from toolkit.cli import main

write = pd.DataFrame.to_parquet

def killed(self, file, **options):
    write(self, file, **options)
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 while the new files are being written

pd.DataFrame.to_parquet = killed
sys.exit(main(["clean", {str(second)!r}, "-o", {str(output)!r}]))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert run.returncode == -signal.SIGKILL, run.stderr
    after = files_in(output.parent)
    assert {name: data for name, data in after.items() if not name.startswith(".")} == before
    assert [name for name in after if name.startswith(".")] != []  # the killed run's temporary file: hidden
    assert toolkit.read_articles(output)["article_id"].tolist() == ["page"]  # the first run's
    assert listed(rejections(toolkit.read_articles(output)), tmp_path / "first") == [("empty.txt", "empty file")]


@pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")
def test_two_runs_writing_the_same_output_replace_it_one_after_the_other(tmp_path) -> None:
    import fcntl

    folder = tmp_path / "out"
    folder.mkdir()
    articles = load(write(tmp_path / "page.txt", STORIES[0]))
    other_run = os.open(folder, os.O_RDONLY)
    fcntl.flock(other_run, fcntl.LOCK_EX)  # another run is renaming its files into place
    saving = threading.Thread(target=toolkit.save_articles, args=(articles, folder / "articles.parquet"))
    saving.start()
    deadline = time.monotonic() + 60
    while len(list(folder.glob(".*.tmp"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(list(folder.glob(".*.tmp"))) == 3  # written, and waiting to be renamed
    assert [path for path in folder.iterdir() if not path.name.startswith(".")] == []
    os.close(other_run)  # (frees the lock)
    saving.join(timeout=60)
    assert sorted(path.name for path in folder.iterdir()) == [
        "articles.notes.csv",
        "articles.parquet",
        "articles.rejections.csv",
    ]


def test_a_csv_that_another_run_wrote_is_read_with_a_warning(tmp_path) -> None:
    write(tmp_path / "a" / "page.txt", STORIES[0])
    write(tmp_path / "a" / "empty.txt", b"")
    write(tmp_path / "b" / "page.txt", STORIES[1])
    for run in ("a", "b"):
        toolkit.save_articles(load(tmp_path / run), tmp_path / run / "out" / "articles.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        toolkit.read_articles(tmp_path / "b" / "out" / "articles.parquet")  # its own CSVs: no warning
    mixed = tmp_path / "a" / "out"
    (mixed / "articles.rejections.csv").write_bytes((tmp_path / "b" / "out" / "articles.rejections.csv").read_bytes())
    with pytest.warns(UserWarning, match="articles.rejections.csv was not written with articles.parquet"):
        assert rejections(toolkit.read_articles(mixed / "articles.parquet")).empty

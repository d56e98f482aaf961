"""The load stage a batch at a time: `iter_articles` gives `load_articles` in pieces, duplicates marked across
batches; `toolkit clean -o FOLDER` writes them as a dataset folder that `read_articles` reads as the file."""

from __future__ import annotations

import gzip
import json
import random
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import toolkit
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.load import iter_articles, load_articles, read_articles, write_articles_dataset

# Letters that normalisation leaves as they are: the made-up words below are the words compared.
LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهو"


def words(rng: random.Random, n: int, long_share: float = 0.25) -> list[str]:
    """Made-up Arabic words, a share of them long (8 letters or more: the words 3-gram samples start with)."""
    return [
        "".join(rng.choices(LETTERS, k=rng.randint(8, 10) if rng.random() < long_share else rng.randint(3, 5)))
        for _ in range(n)
    ]


def record(article_id: str, body: list[str], title: str | None = None) -> dict[str, str]:
    half = len(body) // 2
    text = " ".join(body[:half]) + "\n\n" + " ".join(body[half:])
    return {"id": article_id, "title": title or " ".join(body[:4]), "text": text, "published_at": "2024-05-01T10:00Z"}


def quietly(function, *args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **options)


def streamed(inputs, batch_size: int, **options) -> list[pd.DataFrame]:
    return quietly(lambda: list(iter_articles(inputs, batch_size=batch_size, **options)))


def listing(batches: list[pd.DataFrame], name: str) -> list[dict[str, str]]:
    return [item for batch in batches for item in batch.attrs[name]]


def assert_same_as_whole(inputs, batch_size: int) -> list[pd.DataFrame]:
    whole = quietly(load_articles, inputs)
    batches = streamed(inputs, batch_size)
    pd.testing.assert_frame_equal(pd.concat(batches, ignore_index=True), whole)
    assert listing(batches, "rejections") == whole.attrs["rejections"]
    assert listing(batches, "notes") == whole.attrs["notes"]
    return batches


@pytest.fixture
def wire_inputs(tmp_path: Path) -> Path:
    """An export with stories repeated exactly and as wire copies (a few words changed, another title) across
    batch boundaries, headlines repeating titles, a broken line in the middle; and a page beside it."""
    rng = random.Random(15)
    story, other = words(rng, 80), words(rng, 70)
    copy = list(story)
    for at in (10, 30, 50, 70):
        copy[at] = words(rng, 1, long_share=0)[0]
    lines = [json.dumps(record("a", story), ensure_ascii=False)]
    lines += [json.dumps(record(f"f{k}", words(rng, 60)), ensure_ascii=False) for k in range(3)]
    lines += ["{broken", json.dumps(record("b", other), ensure_ascii=False)]
    lines += [json.dumps(record("a-again", story), ensure_ascii=False)]  # the same text: repeats a
    lines += [json.dumps(record("a-wire", copy, title="عنوان اخر"), ensure_ascii=False)]  # a wire copy of a
    lines += [json.dumps(record("b-wire", other[:-2] + words(rng, 2)), ensure_ascii=False)]
    lines += [json.dumps(record("a-wire-again", copy, title="عنوان ثالث"), ensure_ascii=False)]
    lines += [json.dumps(record(f"g{k}", words(rng, 60)), ensure_ascii=False) for k in range(2)]
    export = tmp_path / "inputs" / "export.jsonl"
    export.parent.mkdir()
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = "\n".join(["عنوان الصفحة", " ".join(words(rng, 50)), "اقرأ أيضا", " ".join(story[:4])])
    (tmp_path / "inputs" / "page.txt").write_text(page, encoding="utf-8")
    return tmp_path / "inputs"


def test_the_batches_of_the_sample_are_load_articles() -> None:
    for batch_size in (1, 2, 1000):
        assert_same_as_whole("data/raw", batch_size)


@pytest.mark.parametrize("batch_size", [1, 2, 3, 5])
def test_duplicates_and_wire_copies_across_batches_point_where_the_whole_load_points(wire_inputs, batch_size) -> None:
    batches = assert_same_as_whole(wire_inputs, batch_size)
    articles = pd.concat(batches, ignore_index=True).set_index("article_id")
    # (the same text repeats its first occurrence, a wire copy itself: as in the whole load)
    marked = articles.loc[["a-again", "a-wire", "a-wire-again", "b-wire"], "duplicate_of"].tolist()
    assert marked == ["a", "a", "a-wire", "b"]
    assert listing(batches, "rejections") == [
        {"origin": f"{wire_inputs / 'export.jsonl'}:5", "reason": listing(batches, "rejections")[0]["reason"]}
    ]
    # They point across batches: a batch names ids of earlier batches, which it does not hold.
    earlier = [set(b["duplicate_of"].dropna()) - set(b["article_id"]) for b in batches]
    assert set().union(*earlier) >= {"a"}
    assert all(len(batch) <= 3 * batch_size for batch in batches)  # a story's rows, not the file, make a batch


def test_a_batch_is_a_bounded_number_of_records_of_one_large_file(wire_inputs) -> None:
    sizes = [len(batch) for batch in streamed(wire_inputs / "export.jsonl", 4)]
    assert sizes == [4, 3, 4]  # (twelve lines; the second batch: four, one of them rejected)


def test_a_json_lines_file_read_a_block_at_a_time_gives_the_same_rows(wire_inputs, tmp_path, monkeypatch) -> None:
    text = (wire_inputs / "export.jsonl").read_text(encoding="utf-8")
    odd = tmp_path / "odd" / "export.jsonl.gz"
    odd.parent.mkdir()
    odd.write_bytes(gzip.compress(("\ufeff" + text.replace("\n", "\r\n\n")).encode("utf-8")))
    whole = quietly(load_articles, odd)
    monkeypatch.setattr("toolkit.load.lines._BLOCK", 97)  # lines cut across blocks
    pd.testing.assert_frame_equal(quietly(load_articles, odd), whole)
    assert_same_as_whole(odd, 2)


def test_a_parquet_export_is_read_a_few_rows_at_a_time(wire_inputs, tmp_path, monkeypatch) -> None:
    lines = (wire_inputs / "export.jsonl").read_text(encoding="utf-8").splitlines()
    rows = pd.DataFrame([json.loads(line) for line in lines if line.startswith('{"')])
    rows.to_parquet(tmp_path / "export.parquet", row_group_size=3)
    whole = quietly(load_articles, tmp_path / "export.parquet")
    monkeypatch.setattr("toolkit.load.records._PARQUET_ROWS", 2)
    pd.testing.assert_frame_equal(quietly(load_articles, tmp_path / "export.parquet"), whole)
    assert whole["article_id"].tolist()[:2] == ["a", "f0"]


def stock_phrase_inputs(path: Path) -> Path:
    """Stories x and y, y a near copy of x, whose only long words are a phrase that 50 later stories use too."""
    rng = random.Random(7)
    phrase = [*words(rng, 4, long_share=1), "في", "يوم"]
    x = words(rng, 30, long_share=0) + phrase + words(rng, 30, long_share=0)
    y = list(x)
    y[5] = "تغير"
    rows = [record("x", x), record("y", y, title="عنوان")]
    rows += [record(f"s{k}", words(rng, 30, long_share=0) + phrase + words(rng, 10, long_share=0)) for k in range(50)]
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    return path


def test_a_wire_copy_whose_shared_phrase_turns_stock_later_is_marked_only_by_a_stream(tmp_path) -> None:
    """The one difference: a 3-gram that more than 50 stories share proposes no pair in the whole load; a stream
    counts the stories read so far, so it still proposes x and y (read before the 50 others), and marks y."""
    inputs = stock_phrase_inputs(tmp_path / "stock.jsonl")
    whole = quietly(load_articles, inputs)
    stream = pd.concat(streamed(inputs, 1), ignore_index=True)
    assert whole.set_index("article_id").loc["y", "duplicate_of"] is pd.NA
    assert stream.set_index("article_id").loc["y", "duplicate_of"] == "x"
    differ = stream["duplicate_of"].fillna("") != whole["duplicate_of"].fillna("")
    assert stream.loc[differ, "article_id"].tolist() == ["y"]
    pd.testing.assert_frame_equal(stream.drop(columns="duplicate_of"), whole.drop(columns="duplicate_of"))
    # In one batch (or with the 50 others read before y) the stream marks what the whole load marks.
    pd.testing.assert_frame_equal(pd.concat(streamed(inputs, 100), ignore_index=True), whole)


def test_the_duplicates_of_the_ant_corpus_in_small_batches_are_the_whole_loads(corpora) -> None:
    ant = corpora / "ant-multisource" / "articles.jsonl.gz"
    batches = assert_same_as_whole(ant, 250)
    assert len(batches) > 20
    assert sum(batch["duplicate_of"].notna().sum() for batch in batches) > 20


def test_inputs_that_give_no_row_raise_after_the_last_batch(tmp_path) -> None:
    (tmp_path / "empty.txt").write_text("")
    batches = iter_articles(tmp_path, batch_size=1)
    with pytest.raises(InputError, match="no readable input"):
        quietly(list, batches)
    with pytest.raises(ValueError, match="batch_size"):
        iter_articles(tmp_path, batch_size=0)


def test_clean_to_a_folder_reads_back_as_the_file(wire_inputs, tmp_path, capsys) -> None:
    assert main(["clean", str(wire_inputs), "-o", str(tmp_path / "file.parquet")]) == 0
    assert main(["clean", str(wire_inputs), "-o", str(tmp_path / "folder"), "--batch-size", "2"]) == 0
    printed = [run.splitlines() for run in capsys.readouterr().out.split("wrote")]
    assert printed[0][:3] == printed[1][1:4]  # the same counts (pages, rows, duplicates)
    folder = tmp_path / "folder"
    assert sorted(p.name for p in folder.iterdir())[:2] == ["notes.csv", "part-00000.parquet"]
    from_file, from_folder = read_articles(tmp_path / "file.parquet"), read_articles(folder)
    pd.testing.assert_frame_equal(from_folder, from_file)
    assert from_folder.attrs == from_file.attrs
    # A part read alone is an articles file whose duplicates may be in earlier parts.
    assert len(read_articles(sorted(folder.glob("part-*"))[-1])) > 0
    assert toolkit.rejections(from_folder)["origin"].str.endswith("export.jsonl:5").tolist() == [True]


def test_an_output_ending_in_a_slash_or_an_existing_folder_is_a_folder(wire_inputs, tmp_path) -> None:
    (tmp_path / "there.parquet").mkdir()
    assert main(["clean", str(wire_inputs), "-o", str(tmp_path / "there.parquet")]) == 0
    assert main(["clean", str(wire_inputs), "-o", f"{tmp_path / 'slash'}/"]) == 0
    assert (tmp_path / "there.parquet" / "part-00000.parquet").is_file()
    assert (tmp_path / "slash" / "rejections.csv").is_file()


def test_a_folder_that_is_not_a_dataset_is_not_replaced(wire_inputs, tmp_path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not an articles dataset"):
        write_articles_dataset(streamed(wire_inputs, 2), tmp_path / "mine")
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]


KILLED_CLEAN = """
import os, signal, sys
import pandas as pd
from toolkit.cli import main

write, parts = pd.DataFrame.to_parquet, []

def killed(self, file, **options):
    write(self, file, **options)
    parts.append(file)
    if len(parts) == 2:
        os.kill(os.getpid(), signal.SIGKILL)  # kill -9 with two parts of the new folder written

pd.DataFrame.to_parquet = killed
sys.exit(main(["clean", {inputs!r}, "-o", {output!r}, "--batch-size", "1"]))
"""


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 is POSIX")
def test_a_killed_clean_leaves_no_folder_or_the_old_one_whole(wire_inputs, tmp_path) -> None:
    output = tmp_path / "out" / "articles"
    script = KILLED_CLEAN.format(inputs=str(wire_inputs), output=str(output))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert not output.exists()  # no folder that looks complete: the parts written are in a hidden one
    assert [p.name.startswith(".articles.") for p in output.parent.iterdir()] == [True]
    assert main(["clean", str(wire_inputs / "page.txt"), "-o", str(output)]) == 0
    before = files_in(output)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert files_in(output) == before
    assert read_articles(output)["origin"].str.endswith("page.txt").all()


def test_an_id_that_a_row_of_an_earlier_batch_of_the_file_took_is_the_one_other_difference(tmp_path) -> None:
    """A file cut into batches gives its records their ids a batch at a time: a record whose id (``p#h1``) a
    headline row of an earlier batch took gets ``~2``; in one batch the record keeps it and the headline gets it."""
    rng = random.Random(3)
    page = record("p", words(rng, 40))
    page["text"] += "\n\nاقرأ أيضا\n" + " ".join(words(rng, 6))
    rows = [page, record("p#h1", words(rng, 40))]
    inputs = tmp_path / "export.jsonl"
    inputs.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    whole = quietly(load_articles, inputs)
    stream = pd.concat(streamed(inputs, 1), ignore_index=True)
    assert whole[["article_id", "kind"]].values.tolist() == [
        ["p", "article"],
        ["p#h1~2", "headline"],
        ["p#h1", "article"],
    ]
    assert stream["article_id"].tolist() == ["p", "p#h1", "p#h1~2"]
    pd.testing.assert_frame_equal(stream.drop(columns="article_id"), whole.drop(columns="article_id"))

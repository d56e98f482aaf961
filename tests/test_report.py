"""Reports: the notebooks executed on the data, exported as self-contained, safe, right-to-left HTML."""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from conftest import (
    LINK_PAYLOAD,
    REPO,
    SEED_PAGE,
    STYLE_PAYLOAD,
    PageElements,
    browser_doms,
    needs_chromium,
    parse_page,
)

from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.report import NOTEBOOKS_DIR, build_reports, export_html, rtl_table

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
# The classic payloads, and two that leave a mark a browser test can look for.
PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"document.body.setAttribute('data-pwned', 'img')\">",
    "<script>document.body.setAttribute('data-pwned', 'script')</script>",
]


def sample_report(factory: pytest.TempPathFactory) -> tuple[Path, tuple[str, ...]]:
    """The report on the bundled sample and its progress lines, made once per test session (executing is slow)."""
    return _report_in(factory.getbasetemp())


@functools.cache
def _report_in(basetemp: Path) -> tuple[Path, tuple[str, ...]]:
    output = basetemp / "sample-report"
    lines: list[str] = []
    build_reports([REPO / "data" / "raw"], output_dir=output, progress=lines.append)
    return output, tuple(lines)


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_report(tmp_path_factory)[0]


# Two more stories, from outlets whose scraped names are markup: a link and an inline style.
HOSTILE_OUTLETS = [
    {
        "id": "evil-link",
        "source": LINK_PAYLOAD,
        "text": "ضرب زلزال بقوة خمس درجات إقليم بلوشستان جنوب غربي باكستان فجر اليوم، وقالت هيئة إدارة الكوارث "
        "إن فرق الإنقاذ وصلت إلى القرى الجبلية المتضررة ولم ترد حتى الآن أنباء عن ضحايا.",
    },
    {
        "id": "evil-style",
        "source": STYLE_PAYLOAD,
        "text": "أعلنت السلطات المحلية إجلاء مئات الأسر من القرى الواقعة على ضفاف النهر بعد أن غمرت السيول "
        "الطرق والحقول إثر أمطار غزيرة استمرت ثلاثة أيام متتالية في شمال البلاد.",
    },
]


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`toolkit report` on the seed page with script and onerror payloads in its title and text,
    and on two stories whose outlets are named with a link and a styled span."""
    pages = tmp_path_factory.mktemp("hostile-pages")
    seed = SEED_PAGE.read_text(encoding="utf-8")
    first, rest = seed.split("\n\n", 1)
    # In the main story's first paragraph, as paragraphs of their own, and in a related headline.
    hostile = "\n\n".join([f"{first} {PAYLOADS[0]}", *PAYLOADS[1:], rest])
    hostile += f"\n  • زلزال جديد يضرب باكستان {PAYLOADS[1]} {PAYLOADS[3]}"
    (pages / "hostile.txt").write_text(hostile, encoding="utf-8")
    records = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in HOSTILE_OUTLETS)
    (pages / "hostile-outlets.jsonl").write_text(records, encoding="utf-8")
    output = tmp_path_factory.mktemp("hostile-report")
    assert main(["report", "--data", str(pages), "-o", str(output)]) == 0
    return output


@pytest.fixture(scope="session")
def hostile_doms(hostile_report: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every hostile report (and the index) as headless Chromium leaves it once the charts are drawn."""
    return browser_doms(sorted(hostile_report.glob("*.html")), tmp_path_factory.mktemp("chromium"))


def _parse(path: Path) -> PageElements:
    return parse_page(path.read_text(encoding="utf-8"))


def test_rtl_table_escapes_every_cell_and_reads_right_to_left():
    frame = pd.DataFrame({"title": ["زلزال يضرب باكستان <img src=x onerror=alert(1)>"], "tags": [["زلزال", "باكستان"]]})
    assert rtl_table(frame).data == (
        '<table class="toolkit-table" dir="rtl">\n'
        '<thead><tr><th dir="auto">title</th><th dir="auto">tags</th></tr></thead>\n'
        "<tbody>\n"
        '<tr><td dir="auto">زلزال يضرب باكستان &lt;img src=x onerror=alert(1)&gt;</td>'
        '<td dir="auto">زلزال، باكستان</td></tr>\n'
        "</tbody>\n"
        "</table>"
    )


def test_rtl_table_shows_the_first_rows_and_cuts_long_text():
    paragraphs = SEED_PAGE.read_text(encoding="utf-8").split("\n\n")
    table = rtl_table(pd.DataFrame({"text": paragraphs}), max_rows=2, max_chars=20).data
    assert f"<caption>first 2 of {len(paragraphs)} rows</caption>" in table
    assert '<td dir="auto">جددت باكستان وإيران…</td>' in table
    assert table.count("<tr>") == 3  # header and two rows


def test_every_notebook_becomes_a_report_with_one_progress_line(tmp_path_factory):
    output, lines = sample_report(tmp_path_factory)
    parsed = [re.fullmatch(r"\[(\d+)/(\d+)\] (\S+) \.\.\. done in \d+\.\d s", line) for line in lines]
    # Notebooks run side by side, so the lines come in the order they finish.
    count = len(NOTEBOOKS)
    assert [(m.group(1), m.group(2)) for m in parsed] == [(str(n), str(count)) for n in range(1, count + 1)]
    assert sorted(m.group(3) for m in parsed) == [nb.stem for nb in NOTEBOOKS]
    assert sorted(p.name for p in output.glob("*.html")) == sorted(
        ["index.html", *(f"{nb.stem}.html" for nb in NOTEBOOKS)]
    )
    assert sorted(p.name for p in (output / "notebooks").glob("*.ipynb")) == [nb.name for nb in NOTEBOOKS]


def _heading(notebook: Path) -> str:
    first = nbformat.read(notebook, as_version=4).cells[0]
    return re.match(r"# (.+)", first.source).group(1)


def test_index_links_every_report_with_its_title(sample):
    index = (sample / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', index)
    assert links == [
        link
        for nb in NOTEBOOKS
        for link in [(f"{nb.stem}.html", html.escape(_heading(nb))), (f"notebooks/{nb.name}", "notebook")]
    ]
    assert f"<code>{REPO / 'data' / 'raw'}</code>" in index


def test_reports_are_self_contained(sample):
    for report in sorted(sample.glob("*.html")):
        page = _parse(report)
        external = [
            (tag, attrs)
            for tag, attrs in page.elements
            if tag in {"script", "link", "img", "iframe"}
            and re.match(r"(https?:)?//", attrs.get("src") or attrs.get("href") or "")
        ]
        assert external == [], report.name
        images = [attrs["src"] for tag, attrs in page.elements if tag == "img"]
        assert all(src.startswith("data:image/") for src in images), report.name
        plotly_js = [s for s in page.scripts if "plotly.js v" in s[:200]]
        charts = [s for s in page.scripts if "Plotly.newPlot" in s]
        assert len(plotly_js) == (1 if charts else 0), report.name


def test_reports_show_charts_and_right_to_left_css(sample):
    for notebook in NOTEBOOKS:
        html = (sample / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert "Plotly.newPlot" in html or '<img src="data:image/png;base64,' in html, notebook.stem
        assert "unicode-bidi: plaintext" in html
        assert 'dir="rtl"' in html


def test_charts_over_time_on_the_undated_sample_say_why_they_are_empty(sample):
    plotly = "application/vnd.plotly.v1+json"
    for stem in ("02-topic-model", "03-themes"):
        executed = nbformat.read(sample / "notebooks" / f"{stem}.ipynb", as_version=4)
        outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
        charts = [output.data[plotly] for output in outputs if plotly in output.get("data", {})]
        notes = [note["text"] for chart in charts for note in chart["layout"].get("annotations", [])]
        assert "no story has a date: attention over time needs dated stories" in notes, stem


def test_hide_code_leaves_out_the_code_and_keeps_the_outputs(sample, tmp_path):
    executed = sample / "notebooks" / NOTEBOOKS[0].name
    shown = (sample / f"{NOTEBOOKS[0].stem}.html").read_text(encoding="utf-8")
    hidden = export_html(executed, tmp_path / "hidden.html", hide_code=True).read_text(encoding="utf-8")
    code = 'class="jp-CodeMirrorEditor'
    assert shown.count(code) > 0 and ">import</span>" in shown
    assert hidden.count(code) == 0 and ">import</span>" not in hidden
    assert hidden.count('class="jp-OutputArea-output') == shown.count('class="jp-OutputArea-output')


def test_scraped_markup_shows_as_text_and_never_runs(hostile_report):
    reports = sorted(hostile_report.glob("*.html"))
    assert len(reports) == len(NOTEBOOKS) + 1
    shown = 0
    for report in reports:
        html = report.read_text(encoding="utf-8")
        page = _parse(report)
        assert not [attrs for _, attrs in page.elements if any(name.startswith("on") for name in attrs)], report.name
        assert not [s for s in page.scripts if "alert(1)" in s or "data-pwned" in s], report.name
        shown += html.count("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert shown > 0  # the loaded text is in the reports, as text


def test_export_escapes_markup_that_a_cell_shows_as_html(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    raw = f"<p dir='rtl'>زلزال {PAYLOADS[0]} {PAYLOADS[1]}</p>"
    cell = new_code_cell("HTML(text)", outputs=[new_output("display_data", data={"text/html": raw})])
    nbformat.write(new_notebook(cells=[cell]), tmp_path / "raw.ipynb")
    page = export_html(tmp_path / "raw.ipynb", tmp_path / "raw.html").read_text(encoding="utf-8")
    assert '<p dir="rtl">زلزال &lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;</p>' in page


@needs_chromium
def test_scraped_markup_never_runs_in_a_browser(hostile_doms):
    assert len(hostile_doms) == len(NOTEBOOKS) + 1
    for name, dom in hostile_doms.items():
        assert "</body>" in dom, name  # the page loaded
        assert "data-pwned=" not in dom, name


@needs_chromium
def test_outlet_names_made_of_markup_show_as_text_in_the_charts_never_as_a_link_or_a_style(hostile_doms):
    pages = {name: parse_page(dom) for name, dom in hostile_doms.items()}
    assert {name: page.injected() for name, page in pages.items()} == {name: [] for name in pages}
    # The stories-per-source chart draws both names as written, in plotly's SVG text.
    drawn = [text for page in pages.values() for text in page.svg_texts]
    assert LINK_PAYLOAD in drawn
    assert STYLE_PAYLOAD in drawn


def test_a_failing_cell_names_the_notebook_and_the_error(tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    notebook = tmp_path / "broken.ipynb"
    cells = [new_code_cell('data = ["x"]\noutput_dir = "."', metadata={"tags": ["parameters"]}), new_code_cell("1 / 0")]
    nbformat.write(new_notebook(cells=cells), notebook)
    with pytest.raises(InputError, match=r"broken\.ipynb: cell 3 raised ZeroDivisionError: division by zero"):
        build_reports([SEED_PAGE], output_dir=tmp_path / "out", notebooks=[notebook], progress=None)
    assert (tmp_path / "out" / "notebooks" / "broken.ipynb").is_file()  # kept, to see what went wrong


def test_report_on_missing_data_exits_2_naming_it(tmp_path, capsys):
    missing = tmp_path / "no-such-folder"
    assert main(["report", "--data", str(missing), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"toolkit report: error: {missing}: no such file, folder or glob match\n"
    assert not (tmp_path / "out").exists()

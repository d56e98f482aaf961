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
from toolkit.report import NO_THEME, NOTEBOOKS_DIR, build_reports, export_html, rtl_table

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


def test_rtl_table_keeps_the_paragraphs_of_a_story_apart():
    story = "ضرب زلزال قوي\nمناطق واسعة.\n\n  \n\nوقالت السلطات <b>إن</b> الفرق وصلت.\n\nولم ترد أنباء عن ضحايا."
    table = rtl_table(pd.DataFrame({"text": [story]})).data
    assert (
        '<td dir="auto"><p dir="auto">ضرب زلزال قوي مناطق واسعة.</p>'
        '<p dir="auto">وقالت السلطات &lt;b&gt;إن&lt;/b&gt; الفرق وصلت.</p>'
        '<p dir="auto">ولم ترد أنباء عن ضحايا.</p></td>'
    ) in table
    # The cut counts every paragraph's characters and ends the last one shown.
    cut = rtl_table(pd.DataFrame({"text": [story]}), max_chars=33).data
    assert '<td dir="auto"><p dir="auto">ضرب زلزال قوي مناطق واسعة.</p><p dir="auto">وقالت…</p></td>' in cut


def test_rtl_table_says_no_theme_or_a_dash_in_empty_cells():
    frame = pd.DataFrame(
        {
            "theme": [None, "natural_disasters"],
            "title": ["", "زلزال يضرب باكستان"],
            "published_at": pd.to_datetime([None, "2024-03-01 08:00"]),
            "tags": [[], ["زلزال"]],
            "parent_id": [None, "a"],
        }
    )
    rows = re.findall(r"<tr>(.*)</tr>", rtl_table(frame, missing={"parent_id": "main story"}).data)
    assert rows[1] == (
        f'<td class="toolkit-missing" dir="auto">{NO_THEME}</td>'
        + '<td class="toolkit-missing" dir="auto">—</td>' * 3
        + '<td class="toolkit-missing" dir="auto">main story</td>'
    )
    assert rows[2] == (
        '<td dir="auto">natural_disasters</td><td dir="auto">زلزال يضرب باكستان</td>'
        '<td dir="auto">2024-03-01 08:00</td><td dir="auto">زلزال</td><td dir="auto">a</td>'
    )


def test_rtl_table_with_no_rows_is_a_sentence_not_an_empty_header():
    no_rows = pd.DataFrame({"origin": [], "reason": []})
    assert rtl_table(no_rows, empty="no input was rejected <b>").data == (
        '<p class="toolkit-empty" dir="auto">no input was rejected &lt;b&gt;</p>'
    )
    assert rtl_table([]).data == '<p class="toolkit-empty" dir="auto">no rows</p>'


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
    assert f"opens offline with <code>{next(sample.glob('plotly-*.min.js')).name}</code> beside it" in index


def _offline_parts(page: PageElements) -> tuple[list[str], list[str], list[str]]:
    """A page's scripts loaded from files, scripts carrying plotly.js, and scripts drawing a chart; it fails on
    anything fetched from the network, and on an image that is not inside the page."""
    external = [
        (tag, attrs)
        for tag, attrs in page.elements
        if tag in {"script", "link", "img", "iframe"}
        and re.match(r"(https?:)?//", attrs.get("src") or attrs.get("href") or "")
    ]
    assert external == []
    assert all(attrs["src"].startswith("data:image/") for tag, attrs in page.elements if tag == "img")
    loaded = [attrs["src"] for tag, attrs in page.elements if tag == "script" and attrs.get("src")]
    inline = [s for s in page.scripts if "plotly.js v" in s[:200]]
    charts = [s for s in page.scripts if "Plotly.newPlot" in s and s not in inline]
    return loaded, inline, charts


def test_reports_open_offline_sharing_one_plotly_js_beside_them_and_stay_under_2_mb(sample):
    (shared,) = sample.glob("plotly-*.min.js")
    assert shared.read_text(encoding="utf-8")[:200].count("plotly.js v") == 1
    with_charts = 0
    for report in sorted(sample.glob("*.html")):
        loaded, inline, charts = _offline_parts(_parse(report))
        assert inline == [], report.name
        assert loaded == ([shared.name] if charts else []), report.name  # relative: the folder moves as one
        assert report.stat().st_size < 2_000_000, report.name
        with_charts += bool(charts)
    assert with_charts >= 2


def test_a_self_contained_report_carries_plotly_js_and_needs_no_file_beside_it(sample, tmp_path):
    executed = sample / "notebooks" / NOTEBOOKS[0].name
    report = export_html(executed, tmp_path / "alone.html", self_contained=True)
    loaded, inline, charts = _offline_parts(_parse(report))
    assert (loaded, len(inline)) == ([], 1) and charts
    assert [p.name for p in tmp_path.iterdir()] == ["alone.html"]
    assert report.stat().st_size > 3_000_000


@needs_chromium
def test_reports_draw_their_charts_offline_in_a_browser_with_readable_value_labels(sample, tmp_path):
    alone = export_html(sample / "notebooks" / NOTEBOOKS[0].name, tmp_path / "alone.html", self_contained=True)
    reports = [*sorted(sample.glob("0*.html")), alone]
    doms = browser_doms(reports, tmp_path / "chromium")
    for report in reports:
        # plotly marks each chart it has drawn; a chart whose plotly.js did not load stays an empty <div>.
        drawn = [
            attrs
            for tag, attrs in parse_page(doms[report.name]).elements
            if tag == "div" and "js-plotly-plot" in (attrs.get("class") or "")
        ]
        assert len(drawn) == len(_offline_parts(_parse(report))[2]) > 0, report.name
    labels = [text for dom in doms.values() for text in re.findall(r'<text class="bartext[^>]*>', dom)]
    assert labels and all("font-size: 13px" in text for text in labels)  # not shrunk to the bar's thickness


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


def _settings(page: str) -> list[tuple[str, ...]]:
    """The rows of a report's settings table."""
    table = page.split("<strong>Settings</strong>", 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]  # the header row is the first
    return [tuple(html.unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)) for row in rows]


def test_each_report_shows_its_settings_once_and_no_parameters_cell(sample):
    for notebook in NOTEBOOKS:
        page = (sample / f"{notebook.stem}.html").read_text(encoding="utf-8")
        assert page.count("<strong>Settings</strong>") == 1, notebook.stem
        settings = {name: value for name, value, _ in _settings(page)}
        assert settings == {
            "data": str(REPO / "data" / "raw"),
            "unit": "paragraph",
            "embedding": "tfidf",
            "themes_file": "None",
            "output_dir": str(sample),
        }
        assert "Parameters" not in page, notebook.stem  # neither the notebook's cell nor papermill's


def test_the_settings_table_takes_the_values_given_over_the_defaults_and_escapes_them(tmp_path):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    defaults = new_code_cell(
        '# Parameters\ndata = ["../data/raw"]  # files or folders\nunit = "paragraph"  # what is clustered\nn = 2 * 3',
        metadata={"tags": ["parameters"]},
    )
    given = new_code_cell(
        '# Parameters\ndata = ["/tmp/<img src=x onerror=alert(1)>.csv", "b.csv"]\nseed = 7',
        metadata={"tags": ["injected-parameters"]},
    )
    cells = [new_markdown_cell("# Title"), defaults, given, new_code_cell("print(unit)")]
    nbformat.write(new_notebook(cells=cells), tmp_path / "run.ipynb")
    for hide_code in (False, True):
        page = export_html(tmp_path / "run.ipynb", tmp_path / "run.html", hide_code=hide_code).read_text("utf-8")
        assert _settings(page) == [
            ("data", "/tmp/<img src=x onerror=alert(1)>.csv, b.csv", "files or folders"),
            ("unit", "paragraph", "what is clustered"),
            ("n", "2 * 3", "—"),
            ("seed", "7", "—"),
        ]
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
        assert "Parameters" not in page
        assert page.index("<strong>Settings</strong>") > page.index(">Title<")
        assert (">print</span>" in page) is not hide_code


def test_an_empty_listing_says_so_in_the_report(sample):
    page = (sample / f"{NOTEBOOKS[0].stem}.html").read_text(encoding="utf-8")
    assert "No input was rejected: every input gave at least one story." in page
    assert '<th dir="auto">origin</th>' not in page  # no header over nothing
    assert '<td dir="auto"><p dir="auto">' in page  # the main story, paragraph by paragraph


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

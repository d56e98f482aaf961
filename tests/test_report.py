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
            "column_map": "—",
            "articles_file": "None",
            "since": "None",
            "until": "None",
            "sources": "—",
            "kinds": "article, embedded",
            "unit": "article",
            "n_topics": "auto",
            "embedding": "tfidf",
            "seed": "42",
            "model_dir": "None",
            "themes_file": "None",
            "theme_scores_file": "None",
            "countries_file": "None",
            "reading_labels_file": "None",
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


# ---- `toolkit report` and `toolkit gallery` with a user's own settings -------------------------------------

# A user's export whose column names no default mapping knows (raqm, jarida, yawm, unwan, matn), and its map.
OWN_CSV = REPO / "docs" / "examples" / "stories.csv"
OWN_COLUMN_MAP = REPO / "docs" / "examples" / "column-map.toml"
KEPT_OUTLETS = ["الجزيرة", "بي بي سي عربي"]
# Labels no fit would give: a report that shows them used the saved model.
SAVED_LABELS = {0: "موضوع محفوظ أول", 1: "موضوع محفوظ ثان", 2: "موضوع محفوظ ثالث"}
SAVED_SCORE = 0.777


@pytest.fixture(scope="session")
def own_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A user's themes file, a gazetteer row (the province «بلوشستان» as code XB), and a column map file for
    two of the CSV's columns (the others go on the command line)."""
    folder = tmp_path_factory.mktemp("own")
    (folder / "columns.toml").write_text('published_at = "yawm"\nsource = "jarida"\n', encoding="utf-8")
    themes = folder / "my-themes.toml"
    themes.write_text((REPO / "docs" / "examples" / "elections.toml").read_text(encoding="utf-8"), encoding="utf-8")
    countries = folder / "my-countries.tsv"
    columns = ["code", "name", "names", "places", "adjectives", "not_before", "not_after"]
    countries.write_text("\t".join(columns) + "\nXB\tبلوشستان\tبلوشستان\t\t\t\t\n", encoding="utf-8")
    # Six stories read for the user's theme, as `toolkit reading-sample` writes them (ids and the theme column).
    labels = folder / "elections-read.csv"
    labels.write_text("article_id,elections\ne1,1\ne2,1\ne3,1\nq1,0\nd1,0\nd2,0\n", encoding="utf-8")
    return {
        "columns": folder / "columns.toml",
        "themes": themes,
        "countries": countries,
        "labels": labels,
        "folder": folder,
    }


@pytest.fixture(scope="session")
def own_report(own_files: dict[str, Path]) -> Path:
    """`toolkit report` on the CSV with every setting given on the command line."""
    output = own_files["folder"] / "report"
    argv = [
        "report", "--data", str(OWN_CSV), "-o", str(output),
        "--column-map", "article_id=raqm,text=matn,title=unwan", "--column-map", str(own_files["columns"]),
        "--themes", str(own_files["themes"]), "--countries", str(own_files["countries"]),
        "--reading-labels", str(own_files["labels"]),
        "--unit", "paragraph", "--n-topics", "3", "--seed", "7",
        "--since", "2024-01-01", "--until", "2024-02-29", "--source", KEPT_OUTLETS[0], "--source", KEPT_OUTLETS[1],
    ]  # fmt: skip
    assert main(argv) == 0
    return output


def _executed(report: Path, stem: str) -> nbformat.NotebookNode:
    return nbformat.read(report / "notebooks" / f"{stem}.ipynb", as_version=4)


def _cell_outputs(notebook: nbformat.NotebookNode, call: str) -> list[dict]:
    """The outputs of the code cell that makes ``call``."""
    (cell,) = [cell for cell in notebook.cells if cell.cell_type == "code" and call in cell.source]
    return cell.outputs


def _cell_html(notebook: nbformat.NotebookNode, call: str) -> str:
    return "".join(o.data["text/html"] for o in _cell_outputs(notebook, call) if "text/html" in o.get("data", {}))


def _chart_title(notebook: nbformat.NotebookNode, call: str) -> str:
    (chart,) = [o.data[_PLOTLY] for o in _cell_outputs(notebook, call) if _PLOTLY in o.get("data", {})]
    return chart["layout"]["title"]["text"]


_PLOTLY = "application/vnd.plotly.v1+json"


def test_report_with_a_user_themes_file_shows_the_users_theme(own_report, own_files):
    page = (own_report / "03-themes.html").read_text(encoding="utf-8")
    assert dict((name, value) for name, value, _ in _settings(page))["themes_file"] == str(own_files["themes"])
    executed = _executed(own_report, "03-themes")
    assert "الانتخابات" in _cell_html(executed, "toolkit.rtl_table(themes.values())")
    assert '<th dir="auto">score_elections</th>' in _cell_html(executed, "scores.merge(")
    assert "الانتخابات" in _chart_title(executed, "theme_comparison_chart")


def test_report_with_a_user_gazetteer_reads_its_countries(own_report, own_files):
    page = (own_report / "03-themes.html").read_text(encoding="utf-8")
    assert dict((name, value) for name, value, _ in _settings(page))["countries_file"] == str(own_files["countries"])
    # «زلزال في باكستان»: «بلوشستان» in its text is the user's XB, and Pakistan is still built in.
    countries = _cell_html(_executed(own_report, "03-themes"), "toolkit.detect_countries(")
    assert '<td dir="auto">q1</td><td dir="auto">PK، XB</td>' in countries


def test_report_with_reading_labels_measures_the_verdicts_against_them(own_report, own_files):
    page = (own_report / "03-themes.html").read_text(encoding="utf-8")
    assert dict((name, value) for name, value, _ in _settings(page))["reading_labels_file"] == str(own_files["labels"])
    table = _cell_html(_executed(own_report, "03-themes"), "toolkit.theme_accuracy(")
    for measure in ("precision", "recall", "f1", "toolkit share", "estimated share"):
        assert f'<td dir="auto">{measure}</td>' in table
    assert table.count('<td dir="auto">6</td>') == 5  # the six stories read, on each row


def test_report_maps_the_columns_of_a_csv_and_keeps_the_dates_and_outlets_asked_for(own_report):
    page = (own_report / "01-load-and-clean.html").read_text(encoding="utf-8")
    settings = {name: value for name, value, _ in _settings(page)}
    assert settings["column_map"] == "article_id=raqm, text=matn, title=unwan, published_at=yawm, source=jarida"
    assert (settings["since"], settings["until"], settings["sources"]) == (
        "2024-01-01",
        "2024-02-29",
        "الجزيرة, بي بي سي عربي",
    )
    stories = _cell_html(_executed(own_report, "01-load-and-clean"), "articles[[")
    csv = pd.read_csv(OWN_CSV)
    kept = csv[csv["jarida"].isin(KEPT_OUTLETS) & (csv["yawm"] <= "2024-02-29")]["unwan"]
    assert len(kept) == 14 and all(f">{title}<" in stories for title in kept)
    assert ">تسونامي اليابان<" not in stories and ">مناورات بحرية<" not in stories  # after --until, another outlet
    assert ">2024-01-05 00:00<" in stories  # the date came through the map file


def test_unit_and_number_of_topics_reach_the_topic_report_and_its_headings(own_report):
    page = (own_report / "02-topic-model.html").read_text(encoding="utf-8")
    settings = {name: value for name, value, _ in _settings(page)}
    assert (settings["unit"], settings["n_topics"], settings["seed"]) == ("paragraph", "3", "7")
    executed = _executed(own_report, "02-topic-model")
    (fit,) = [o.text for o in _cell_outputs(executed, "toolkit.fit_topics(") if o.output_type == "stream"]
    assert "topics: 14 paragraphs" in fit and "3 topics" in fit
    topics = _cell_html(executed, 'columns={"size": titles["count"]}')
    assert '<th dir="auto">paragraphs</th>' in topics and topics.count("<tr>") == 1 + 3
    assert _chart_title(executed, "topic_sizes_chart") == "عدد الفقرات في كل موضوع"
    assert _chart_title(executed, "topics_over_time_chart") == "حصة كل موضوع من الفقرات عبر الزمن"


def test_the_topic_report_counts_stories_by_default(sample):
    executed = _executed(sample, "02-topic-model")
    assert '<th dir="auto">stories</th>' in _cell_html(executed, 'columns={"size": titles["count"]}')
    assert _chart_title(executed, "topic_sizes_chart") == "عدد القصص في كل موضوع"


@pytest.fixture(scope="session")
def saved_outputs(own_files: dict[str, Path]) -> dict[str, Path]:
    """The CSV cleaned, topics fitted and renamed, themes scored, each saved as `toolkit clean|topics|themes` do.

    The saved scores are all set to `SAVED_SCORE` and the topics renamed to `SAVED_LABELS`: neither a new
    scoring nor a refit could give them.
    """
    from toolkit.load import read_articles
    from toolkit.topics import fit_topics

    folder = own_files["folder"] / "saved"
    articles = folder / "articles.parquet"
    assert main(["clean", str(OWN_CSV), "--column-map", str(OWN_COLUMN_MAP), "-o", str(articles)]) == 0
    model = fit_topics(read_articles(articles), n_topics=3, verbose=False).set_topic_labels(SAVED_LABELS)
    model.save(folder / "model")
    scores = folder / "themes.parquet"
    assert main(["themes", str(articles), "--themes", str(own_files["themes"]), "-o", str(scores)]) == 0
    table = pd.read_parquet(scores)
    table[[c for c in table.columns if c.startswith("score_")]] = SAVED_SCORE
    table.to_parquet(scores, index=False)
    return {"articles": articles, "model": folder / "model", "scores": scores}


def test_a_report_from_saved_outputs_uses_them_without_refitting_or_rescoring(saved_outputs, own_files):
    output = own_files["folder"] / "saved-report"
    argv = ["report", "--articles", str(saved_outputs["articles"]), "--model", str(saved_outputs["model"])]
    argv += ["--theme-scores", str(saved_outputs["scores"]), "--themes", str(own_files["themes"]), "-o", str(output)]
    assert main(argv) == 0
    settings = {name: value for name, value, _ in _settings((output / "02-topic-model.html").read_text("utf-8"))}
    assert settings["model_dir"] == str(saved_outputs["model"])
    assert (settings["articles_file"], settings["data"]) == (str(saved_outputs["articles"]), "—")
    topics = _executed(output, "02-topic-model")
    (loaded,) = [o.text for o in _cell_outputs(topics, "toolkit.load_topic_model(") if o.output_type == "stream"]
    assert loaded.startswith(f"saved model {saved_outputs['model']}, not refitted: topics: 16 articles")
    shown = _cell_html(topics, 'columns={"size": titles["count"]}')
    assert [label for label in SAVED_LABELS.values() if f">{label}<" in shown] == list(SAVED_LABELS.values())
    assert not (output / "topic-model").exists()  # the saved model is not copied
    scores = _cell_html(_executed(output, "03-themes"), "scores.merge(")
    assert scores.count(f">{SAVED_SCORE}<") == 16 * 3  # every story, every theme: as saved
    assert f"<code>{saved_outputs['articles']}</code>" in (output / "index.html").read_text(encoding="utf-8")


def test_gallery_draws_from_a_saved_model_and_saved_theme_scores(saved_outputs, own_files, capsys):
    output = own_files["folder"] / "gallery"
    argv = ["gallery", "--articles", str(saved_outputs["articles"]), "--model", str(saved_outputs["model"])]
    argv += ["--theme-scores", str(saved_outputs["scores"]), "--themes", str(own_files["themes"])]
    assert main([*argv, "--source", KEPT_OUTLETS[0], "-o", str(output)]) == 0
    assert "topic_sizes.png" in capsys.readouterr().out
    sizes = (output / "topic_sizes.html").read_text(encoding="utf-8")
    assert all(json.dumps(label)[1:-1] in sizes or label in sizes for label in SAVED_LABELS.values())
    by_source = (output / "themes_by_source.html").read_text(encoding="utf-8")
    assert "الانتخابات" in by_source or json.dumps("الانتخابات")[1:-1] in by_source
    assert KEPT_OUTLETS[1] not in by_source and json.dumps(KEPT_OUTLETS[1])[1:-1] not in by_source


def test_report_options_reach_build_reports_as_notebook_parameters(monkeypatch, tmp_path, own_files):
    import toolkit.report

    calls = []
    monkeypatch.setattr(toolkit.report, "build_reports", lambda data, **kwargs: calls.append((data, kwargs)) or [])
    argv = ["report", "--data", "x.csv", "--embedding", "some/model", "--seed", "3", "--n-topics", "auto"]
    argv += ["--kinds", "article,embedded,headline"]
    assert main([*argv, "--column-map", str(own_files["columns"]), "--self-contained", "-o", str(tmp_path)]) == 0
    ((data, kwargs),) = calls
    assert data == ["x.csv"] and kwargs["self_contained"] is True and kwargs["hide_code"] is False
    assert kwargs["parameters"] == {
        "column_map": {"published_at": "yawm", "source": "jarida"},
        "embedding": "some/model",
        "seed": 3,
        "n_topics": "auto",
        "kinds": ["article", "embedded", "headline"],
    }


def test_a_report_subcommand_typo_gives_the_report_usage_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--dta", "data/raw"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: toolkit report ") and "--themes FILE" in err
    assert err.endswith("toolkit report: error: unrecognized arguments: --dta data/raw\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--model", "m", "--unit", "paragraph"],
            "--unit: a saved model (--model) keeps the options it was fitted with",
        ),
        (["--since", "2024-03-01", "--until", "2024-02-01"], "--until 2024-02-01 is before --since 2024-03-01"),
        (["--since", "1 March"], "argument --since: expected a date as YYYY-MM-DD, not '1 March'"),
        (["--articles", "a.parquet", "--column-map", "text=body"], "--column-map: saved articles (--articles)"),
        (["--articles", "a.parquet", "--data", "x"], "argument --data: not allowed with argument --articles"),
        (["--kinds", "story"], "argument --kinds: expected some of article,embedded,headline, comma-separated"),
    ],
)
def test_report_settings_that_cannot_go_together_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["report", *argv])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: toolkit report ") and message in err


def test_a_column_map_naming_an_unknown_field_exits_2_before_any_notebook_runs(tmp_path, capsys):
    argv = ["report", "--data", str(SEED_PAGE), "--column-map", "txt=body", "-o", str(tmp_path / "out")]
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith("toolkit report: error: --column-map: unknown field 'txt' (fields: ")
    assert not (tmp_path / "out").exists()


def test_the_sample_report_lists_stories_to_read_when_no_labels_are_given(sample):
    # The bundled page's two stories (the defence story and the "read also" earthquake story), ids only shown.
    to_read = _cell_html(_executed(sample, "03-themes"), "toolkit.reading_sample(")
    assert to_read.count("<tr>") == 3  # the header and two stories
    assert '<td dir="auto">000_6115d0bf09f38642</td>' in to_read
    assert '<td dir="auto">000_6115d0bf09f38642#e1</td>' in to_read

"""Reports: run the notebooks on the data with papermill and export each as an HTML file that opens offline.

``build_reports`` executes every notebook in the repository's ``notebooks/`` folder with its
parameters (the data to load, the output folder, and any overrides), keeps the executed notebooks,
exports each to HTML that opens offline from a file, and writes an ``index.html`` linking them.
Each report opens with a table of the settings it ran with (the parameters cells are not shown);
the reports share one copy of plotly.js beside them, or carry it inside with ``self_contained``.
``rtl_table`` is the safe way for a notebook to show scraped text: every cell is HTML-escaped.

>>> paths = build_reports(["data/raw"], output_dir="reports")  # doctest: +SKIP
[1/3] 01-load-and-clean ... done in 6.1 s
"""

from __future__ import annotations

import ast
import contextlib
import glob
import html
import io
import os
import re
import time
import tokenize
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import HTML

from toolkit import __version__
from toolkit.arabic import is_arabic
from toolkit.errors import InputError, require_columns

__all__ = [
    "NOTEBOOKS_DIR",
    "NO_THEME",
    "build_reports",
    "export_html",
    "rtl_table",
]

# The notebooks live in the repository, beside the package; a wheel does not carry them.
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"

_PLOTLY_MIME = "application/vnd.plotly.v1+json"

# The notebook's own parameters cell and the one papermill injects after it with the values given.
_PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})

# Parameters naming a file or folder: the kernel runs in the output folder, so they are made absolute first.
_PATH_PARAMETERS = (
    "articles_file",
    "model_dir",
    "themes_file",
    "theme_scores_file",
    "countries_file",
    "reading_labels_file",
)

# What an empty cell of `rtl_table` says: a story with no theme has «no theme»; anything else a dash.
NO_THEME = "لا محور"
_MISSING_TEXT = {"theme": NO_THEME, "theme_label": NO_THEME}
_DASH = "—"

# What a code cell's HTML output may contain once exported. Anything else (a <script>, an
# <img onerror=...>, an <iframe>) is escaped and shows as text: scraped text is data, never markup.
_SAFE_TAGS = [
    "a", "b", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i", "li", "ol",
    "p", "pre", "small", "span", "strong", "style", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
]  # fmt: skip
_SAFE_ATTRIBUTES = {
    "*": ["class", "dir", "lang", "title"],
    "a": ["href", "title"],
    "table": ["border", "class", "dir"],
    "td": ["colspan", "rowspan", "class", "dir"],
    "th": ["colspan", "rowspan", "class", "dir"],
}

# Only the lab template's blocks that fetch scripts from a CDN are emptied; the rest is kept.
# Arabic reads right-to-left: each paragraph, list item, heading, cell and output line takes
# its direction from its first strong letter, so mixed Arabic and English prose reads correctly.
# The rules start with `body` to outweigh the lab stylesheet (later in the page), which aligns
# every paragraph and table cell to one side.
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block extra_css -%}
<style type="text/css">
body .jp-RenderedHTMLCommon :is(p, li, h1, h2, h3, h4, h5, h6, blockquote, td, th, caption),
body .jp-RenderedText pre {
  unicode-bidi: plaintext;
  text-align: start;
}
[dir="rtl"], :lang(ar) {
  font-family: "Noto Naskh Arabic", "Noto Sans Arabic", "Geeza Pro", "Segoe UI", Tahoma, sans-serif;
}
body .jp-RenderedHTMLCommon table.toolkit-table :is(td, th) {
  text-align: start;
  vertical-align: top;
  max-width: 40em;
}
body .jp-RenderedHTMLCommon table.toolkit-table td p { margin: 0 0 0.6em; }
body .jp-RenderedHTMLCommon table.toolkit-table td p:last-child { margin-bottom: 0; }
body .jp-RenderedHTMLCommon table.toolkit-table td.toolkit-missing { color: #767676; }
body .jp-RenderedHTMLCommon p.toolkit-empty { color: #555; font-style: italic; }
</style>
{%- endblock extra_css -%}
"""

_INDEX_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Arabic news reports — تقارير الأخبار العربية</title>
<style>
body {{ font-family: system-ui, "Noto Sans Arabic", "Segoe UI", Tahoma, sans-serif; margin: 2em auto;
  max-width: 52em; padding: 0 1em; line-height: 1.5; color: #222; }}
li, td, p {{ unicode-bidi: plaintext; text-align: start; }}
ol li {{ margin: 0.8em 0; }}
.meta {{ color: #666; font-size: 0.9em; }}
code {{ background: #f3f3f3; padding: 0 0.3em; }}
</style>
</head>
<body>
<h1>Arabic news reports — تقارير الأخبار العربية</h1>
<p>Data: {data}</p>
<p class="meta">Made {made} with arabic-news-toolkit {version}{code_note}.
{files_note} Its executed notebook opens in JupyterLab.</p>
<ol>
{items}
</ol>
</body>
</html>
"""


# Noise a reader of the report cannot act on: the kernel's own log (unencrypted-TCP warning, interrupt
# at shutdown; a cell's error still comes back as its output) and tqdm's warning, on importing
# sentence-transformers, that ipywidgets is missing.
_KERNEL_ARGUMENTS = [
    "--IPKernelApp.log_level=CRITICAL",
    "--IPKernelApp.exec_lines=import warnings; warnings.filterwarnings('ignore', message='IProgress not found')",
]


@dataclass(frozen=True)
class _Run:
    """One executed notebook: what the index lists."""

    title: str
    html_path: Path
    seconds: float


def build_reports(
    data: Sequence[str | Path] | None = ("data/raw",),
    *,
    output_dir: str | Path = "reports",
    notebooks: Sequence[str | Path] | None = None,
    hide_code: bool = False,
    self_contained: bool = False,
    parameters: Mapping[str, Any] | None = None,
    progress: Callable[[str], object] | None = print,
) -> list[Path]:
    """Execute the notebooks on ``data`` and export each as HTML, with an ``index.html`` linking them.

    ``data`` (files, folders or globs) and ``output_dir`` reach each notebook's ``parameters`` cell
    as absolute paths, with ``parameters`` (e.g. ``{"unit": "paragraph", "n_topics": 12}``) on top; the
    kernel runs in ``output_dir``. The file parameters (``articles_file``, ``model_dir``, ``themes_file``,
    ``theme_scores_file``, ``countries_file``, and ``embedding`` when it names a local folder) are made
    absolute too, and a missing one raises `InputError` before any notebook runs. ``data=None`` loads
    nothing: the notebooks read ``parameters["articles_file"]`` (saved by ``toolkit clean``) instead.
    Writes ``output_dir/notebooks/NAME.ipynb`` (executed), ``output_dir/NAME.html`` and
    ``output_dir/index.html``; ``hide_code`` leaves code cells out of the HTML. The reports load
    plotly.js from one copy beside them (``plotly-VERSION.min.js``, a few hundred kB per report instead
    of 5 MB); keep the folder together, or pass ``self_contained=True`` for files that each carry
    plotly.js and open alone.
    ``notebooks`` defaults to every notebook in the repository's ``notebooks/`` folder.
    Notebooks run side by side; ``progress`` gets one line per notebook as it finishes.
    Returns the HTML reports, in the notebooks' order.
    A notebook whose cell fails raises ``InputError`` naming the notebook, the cell and the error.

    >>> build_reports(["data/raw"], output_dir="reports", hide_code=True)  # doctest: +SKIP
    [1/3] 01-load-and-clean ... done in 6.1 s
    [2/3] 02-topic-model ... done in 14.2 s
    [3/3] 03-themes ... done in 9.5 s
    [PosixPath('reports/01-load-and-clean.html'), ...]
    """
    values = {
        "data": [] if data is None else _absolute_data(data),
        "output_dir": str(Path(output_dir).resolve()),
        **_absolute_parameters(parameters or {}),
    }
    if data is None and not values.get("articles_file"):
        raise InputError("data", "no data: give the inputs to load, or parameters={'articles_file': PATH}")
    notebook_paths = _find_notebooks(notebooks)
    output = Path(values["output_dir"])
    (output / "notebooks").mkdir(parents=True, exist_ok=True)
    runs: dict[Path, _Run] = {}
    # Notebooks run side by side, each in its own kernel: most of their time is kernel start and imports.
    # The kernels inherit the working directory, set once here: papermill's own `cwd` changes it per thread
    # and the threads would race to restore it.
    with contextlib.chdir(output), ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        running = {
            pool.submit(_execute, notebook, output / "notebooks" / notebook.name, values): notebook
            for notebook in notebook_paths
        }
        try:
            for number, done in enumerate(as_completed(running), start=1):
                notebook, (executed, seconds) = running[done], done.result()
                started = time.perf_counter()
                html_path = export_html(
                    executed, output / f"{notebook.stem}.html", hide_code=hide_code, self_contained=self_contained
                )
                seconds += time.perf_counter() - started
                runs[notebook] = _Run(_title(executed), html_path, seconds)
                if progress is not None:
                    progress(f"[{number}/{len(notebook_paths)}] {notebook.stem} ... done in {seconds:.1f} s")
        except BaseException:
            for future in running:
                future.cancel()
            raise
    ordered = [runs[notebook] for notebook in notebook_paths]
    shown = values["data"] or [values["articles_file"]]  # the index names what the reports read
    _write_index(output / "index.html", ordered, data=shown, hide_code=hide_code, self_contained=self_contained)
    return [run.html_path for run in ordered]


def _find_notebooks(notebooks: Sequence[str | Path] | None) -> list[Path]:
    if notebooks is not None:
        paths = [Path(n).absolute() for n in notebooks]
        for path in paths:
            if not path.is_file():
                raise InputError(path, "no such notebook")
        return paths
    paths = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
    if not paths:
        raise InputError(NOTEBOOKS_DIR, "no notebooks found: reports run the notebooks of a clone of the repository")
    return paths


def _absolute_data(data: Sequence[str | Path]) -> list[str]:
    if isinstance(data, str | Path):
        data = [data]
    resolved = []
    for item in data:
        path = Path(item).expanduser().absolute()
        if not path.exists() and not glob.glob(str(path)):
            raise InputError(item, "no such file, folder or glob match")
        resolved.append(str(path))
    return resolved


def _absolute_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """``parameters`` with the files they name made absolute (checked to exist); other values as given.

    ``embedding`` is a model name unless a file or folder of that name exists here.
    """
    resolved = dict(parameters)
    for name in _PATH_PARAMETERS:
        if resolved.get(name) is not None:
            path = Path(resolved[name]).expanduser().absolute()
            if not path.exists():
                raise InputError(resolved[name], f"no such file or folder (given as {name})")
            resolved[name] = str(path)
    embedding = resolved.get("embedding")
    if isinstance(embedding, str | Path) and Path(embedding).expanduser().exists():
        resolved["embedding"] = str(Path(embedding).expanduser().absolute())
    return resolved


def _execute(notebook: Path, executed: Path, parameters: Mapping[str, Any]) -> tuple[Path, float]:
    """Run the notebook with papermill; returns the executed notebook and the seconds it took."""
    import papermill  # imported here: `import toolkit` stays fast

    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            notebook,
            executed,
            parameters=dict(parameters),
            kernel_name="python3",  # jupyter_client runs "python" kernels with this interpreter
            language="python",
            progress_bar=False,
            extra_arguments=_KERNEL_ARGUMENTS,
        )
    except papermill.PapermillExecutionError as err:
        raise InputError(
            notebook, f"cell {err.exec_count} raised {err.ename}: {err.evalue} (executed notebook: {executed})"
        ) from err
    return executed, time.perf_counter() - started


def _title(notebook: Path) -> str:
    """The first Markdown heading of the notebook, else its file name."""
    import nbformat

    for cell in nbformat.read(notebook, as_version=4).cells:
        heading = re.search(r"^#+\s+(.+)$", cell.source, flags=re.M) if cell.cell_type == "markdown" else None
        if heading:
            return heading.group(1).strip()
    return notebook.stem


def export_html(
    notebook: str | Path, html_path: str | Path, *, hide_code: bool = False, self_contained: bool = False
) -> Path:
    """Export an executed notebook as an HTML file that opens offline and shows Arabic right-to-left.

    Images are embedded, no script is loaded from the network, and code-cell HTML outputs are
    sanitised (a ``<script>`` or an ``onerror=`` in them shows as text). The parameters cells
    (the notebook's own and papermill's) give way to one table of the settings the notebook ran with.
    Plotly charts load plotly.js from ``plotly-VERSION.min.js``, copied beside the HTML file once
    (the copy is shared by every report in the folder); ``self_contained`` puts plotly.js inside the
    file instead (about 5 MB more). ``hide_code`` leaves out code cells' inputs and prompts.

    >>> export_html("reports/notebooks/03-themes.ipynb", "reports/03-themes.html")  # doctest: +SKIP
    PosixPath('reports/03-themes.html')
    """
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"toolkit_report.html.j2": _TEMPLATE})],
        template_file="toolkit_report.html.j2",
        embed_images=True,
        exclude_input=hide_code,
        exclude_input_prompt=hide_code,
        exclude_output_prompt=hide_code,
    )
    path = Path(html_path)
    plotly_js = True if self_contained else _plotly_js_name()
    for preprocessor in _preprocessors(plotly_js):
        exporter.register_preprocessor(preprocessor, enabled=True)
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = _title(Path(notebook))
    body, resources = exporter.from_notebook_node(nb)
    if resources.get("plotly_charts") and not self_contained:
        _share_plotly_js(path.parent)
    path.write_text(body, encoding="utf-8")
    return path


def _plotly_js_name() -> str:
    """The shared plotly.js file's name, versioned: a folder of older reports keeps the version they were made with."""
    from plotly.offline import get_plotlyjs_version

    return f"plotly-{get_plotlyjs_version()}.min.js"


def _share_plotly_js(folder: Path) -> None:
    """Copy the installed plotly's minified plotly.js into ``folder``, unless a whole copy is there already."""
    from plotly.offline import get_plotlyjs

    script = get_plotlyjs().encode("utf-8")
    target = folder / _plotly_js_name()
    if not target.is_file() or target.stat().st_size != len(script):
        target.write_bytes(script)


def _preprocessors(plotly_js: bool | str) -> list[Any]:
    """Replace the parameters cells by a settings table, sanitise code-cell outputs, then turn plotly charts
    into HTML that loads ``plotly_js`` (``True``: plotly.js inside the page; a file name: that file) once."""
    import plotly.io as pio
    from nbconvert.preprocessors import Preprocessor
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    class SettingsTable(Preprocessor):
        """The parameters cells (code a reader of the report cannot act on) become one table of the settings."""

        def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
            tagged = [i for i, cell in enumerate(nb.cells) if _PARAMETER_TAGS & set(cell.metadata.get("tags", []))]
            if tagged:
                table = _settings_markdown([nb.cells[i] for i in tagged])
                nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in tagged]
                nb.cells.insert(tagged[0], table)
            return nb, resources

    class SanitizeOutputs(SanitizeHTML):
        """nbconvert's sanitiser on code-cell outputs only: the notebooks' own Markdown is trusted."""

        def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
            if cell.cell_type == "code":
                cell.outputs = self.sanitize_code_outputs(cell.outputs)
            return cell, resources

    class PlotlyOffline(Preprocessor):
        """Plotly charts as HTML; the first one loads plotly.js (inline or from the shared file), the others use it."""

        def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
            charts = 0
            for cell in nb.cells:
                for output in cell.get("outputs", []):
                    figure = output.get("data", {}).get(_PLOTLY_MIME)
                    if figure is not None:
                        # plotly's JSON escapes < > / so chart text cannot close the <script>.
                        chart = pio.to_html(
                            figure, include_plotlyjs=charts == 0 and plotly_js, full_html=False, validate=False,
                            config=figure.get("config"),
                        )  # fmt: skip
                        output["data"] = {"text/html": chart}
                        charts += 1
            resources["plotly_charts"] = charts
            return nb, resources

    sanitize = SanitizeOutputs(tags=_SAFE_TAGS, attributes=_SAFE_ATTRIBUTES)
    sanitize.safe_output_keys = {*sanitize.safe_output_keys, _PLOTLY_MIME}
    return [SettingsTable(), sanitize, PlotlyOffline()]


def _settings_markdown(cells: Sequence[Any]) -> Any:
    """A Markdown cell with the settings the parameters ``cells`` leave in force, and what each one is.

    Later cells win (papermill's injected values over the notebook's defaults); the meaning is the
    comment on the default's line.
    """
    from nbformat.v4 import new_markdown_cell

    settings: dict[str, tuple[str, str]] = {}
    for cell in cells:
        for name, (value, meaning) in _assignments(cell.source).items():
            settings[name] = (value, meaning or settings.get(name, ("", ""))[1])
    rows = pd.DataFrame([(name, *pair) for name, pair in settings.items()], columns=["setting", "value", "meaning"])
    table = rtl_table(rows, max_rows=len(rows), max_chars=1000).data
    return new_markdown_cell(f"**Settings** this report ran with (the notebook's parameters):\n\n{table}")


def _assignments(source: str) -> dict[str, tuple[str, str]]:
    """Each name a parameters cell assigns: its value as a reader would write it, and the comment on its line.

    >>> _assignments('data = ["a.csv", "b.csv"]  # the inputs\\ncolumn_map = {"text": "body"}\\nthemes_file = None')
    {'data': ('a.csv, b.csv', 'the inputs'), 'column_map': ('text=body', ''), 'themes_file': ('None', '')}
    """
    comments = {
        token.start[0]: token.string.lstrip("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            found[node.targets[0].id] = (_setting_text(node.value, source), comments.get(node.lineno, ""))
    return found


def _setting_text(node: ast.expr, source: str) -> str:
    """A literal as plain text (strings unquoted, lists joined by commas, a mapping as ``key=value`` pairs);
    any other expression as written."""
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return ast.get_source_segment(source, node) or ""
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    if isinstance(value, dict):  # a column map reads as on the command line: text=body, published_at=date
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _write_index(
    path: Path, runs: Sequence[_Run], *, data: Sequence[str], hide_code: bool, self_contained: bool
) -> None:
    files_note = (
        "Each report is one HTML file that opens offline on its own."
        if self_contained
        else f"Each report is an HTML file that opens offline with <code>{html.escape(_plotly_js_name())}</code>"
        " beside it: move or send the folder as a whole."
    )
    items = "\n".join(
        f'<li><a href="{html.escape(run.html_path.name)}">{html.escape(run.title)}</a>'
        f'<br><span class="meta">executed in {run.seconds:.1f} s · '
        f'<a href="notebooks/{html.escape(run.html_path.stem)}.ipynb">notebook</a></span></li>'
        for run in runs
    )
    page = _INDEX_TEMPLATE.format(
        data=", ".join(f"<code>{html.escape(d)}</code>" for d in data),
        made=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=html.escape(__version__),
        code_note=", code hidden" if hide_code else "",
        files_note=files_note,
        items=items,
    )
    path.write_text(page, encoding="utf-8")


def rtl_table(
    frame: pd.DataFrame | Iterable[Any],
    *,
    max_rows: int = 20,
    max_chars: int = 300,
    missing: Mapping[str, str] | None = None,
    empty: str = "no rows",
) -> HTML:
    """Show a DataFrame (or records, e.g. themes) as an HTML table with every cell escaped, right-to-left for Arabic.

    Scraped text stays text: ``<script>`` shows as ``&lt;script&gt;``. Each cell reads in the
    direction of its own first letter; text keeps its paragraphs (blank-line separated) apart, long
    text is cut to ``max_chars`` characters, lists are joined with an Arabic comma, and only the
    first ``max_rows`` rows are shown (the caption says so). An empty cell (missing, blank, an empty
    list) says what ``missing`` gives for its column (``{"parent_id": "none"}``); by default a
    ``theme`` or ``theme_label`` cell says «لا محور» (no theme), any other «—». A table with no rows
    is the sentence ``empty`` instead.
    The index is not shown: ``reset_index()`` first to keep it.

    >>> frame = pd.DataFrame({"source": ["الجزيرة"], "title": ["زلزال يضرب باكستان <b>"]})
    >>> print(rtl_table(frame).data)
    <table class="toolkit-table" dir="rtl">
    <thead><tr><th dir="auto">source</th><th dir="auto">title</th></tr></thead>
    <tbody>
    <tr><td dir="auto">الجزيرة</td><td dir="auto">زلزال يضرب باكستان &lt;b&gt;</td></tr>
    </tbody>
    </table>
    >>> print(rtl_table(frame.iloc[:0], empty="no story to show").data)
    <p class="toolkit-empty" dir="auto">no story to show</p>
    """
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(list(frame))
    if frame.empty:  # a header over nothing reads like a failure; a sentence says what happened
        return HTML(f'<p class="toolkit-empty" dir="auto">{html.escape(empty)}</p>')
    blanks = [{**_MISSING_TEXT, **(missing or {})}.get(str(column), _DASH) for column in frame.columns]
    rows = frame.head(max_rows).itertuples(index=False)
    cells = [[_paragraphs(_cell_text(value), max_chars=max_chars) for value in row] for row in rows]
    arabic = is_arabic(" ".join(text for row in cells for paragraphs in row for text in paragraphs))
    lines = [f'<table class="toolkit-table" dir="{"rtl" if arabic else "ltr"}">']
    if len(frame) > max_rows:
        lines.append(f"<caption>first {max_rows} of {len(frame)} rows</caption>")
    lines.append("<thead><tr>" + "".join(f'<th dir="auto">{html.escape(str(c))}</th>' for c in frame.columns))
    lines[-1] += "</tr></thead>"
    lines.append("<tbody>")
    lines += ["<tr>" + "".join(map(_td, row, blanks)) + "</tr>" for row in cells]
    lines += ["</tbody>", "</table>"]
    return HTML("\n".join(lines))


# The keyword column lines up: the words before it hug it from the right, the words after from the left.
# (A <style> block: the report's sanitiser keeps no style attribute. `body .jp-…` outweighs the table rules.)
_KWIC_STYLE = """<style>
body .jp-RenderedHTMLCommon table.toolkit-kwic td.toolkit-before { text-align: left; white-space: nowrap; }
body .jp-RenderedHTMLCommon table.toolkit-kwic td.toolkit-keyword { text-align: center; font-weight: bold; }
body .jp-RenderedHTMLCommon table.toolkit-kwic td.toolkit-after { text-align: right; white-space: nowrap; }
</style>"""


def rtl_concordance(kwic: pd.DataFrame, *, max_rows: int = 50) -> HTML:
    r"""Show `toolkit.concordance`'s table as Arabic reads: the words before the keyword on its right,
    the words after on its left, every keyword in one column, then the story's id, outlet and date.

    >>> kwic = pd.DataFrame({"before": ["أهمية"], "keyword": ["التعاون"], "after": ["الدفاعي"],
    ...     "article_id": ["a"], "source": ["الجزيرة"], "published_at": [pd.NaT]})
    >>> row = rtl_concordance(kwic).data.splitlines()[7]
    >>> re.findall(r'<td class="toolkit-(\w+)">([^<]*)', row)
    [('before', 'أهمية'), ('keyword', 'التعاون'), ('after', 'الدفاعي')]
    """
    require_columns(kwic, ["before", "keyword", "after", "article_id", "source", "published_at"], name="kwic")
    if kwic.empty:
        return HTML('<p class="toolkit-empty" dir="auto">the keyword is in none of the stories</p>')
    lines = [_KWIC_STYLE, '<table class="toolkit-table toolkit-kwic" dir="rtl">']
    if len(kwic) > max_rows:
        lines.append(f"<caption>first {max_rows} of {len(kwic)} rows</caption>")
    lines.append("<tbody>")
    columns = ["before", "keyword", "after", "article_id", "source", "published_at"]
    for row in kwic[columns].head(max_rows).itertuples(index=False):
        context = "".join(
            f'<td class="toolkit-{part}">{html.escape(str(text))}</td>'
            for part, text in zip(("before", "keyword", "after"), row[:3], strict=True)
        )
        story = "".join(_td(_paragraphs(_cell_text(value), max_chars=80), _DASH) for value in row[3:6])
        lines.append(f"<tr>{context}{story}</tr>")
    lines += ["</tbody>", "</table>"]
    return HTML("\n".join(lines))


def _td(paragraphs: list[str], blank: str) -> str:
    """One cell: its paragraphs escaped (each its own ``<p>`` when there are several), or ``blank``."""
    if not paragraphs:
        return f'<td class="toolkit-missing" dir="auto">{html.escape(blank)}</td>'
    if len(paragraphs) == 1:
        return f'<td dir="auto">{html.escape(paragraphs[0])}</td>'
    return '<td dir="auto">' + "".join(f'<p dir="auto">{html.escape(p)}</p>' for p in paragraphs) + "</td>"


def _cell_text(value: object) -> str:
    if isinstance(value, np.ndarray):  # list columns read back from Parquet
        value = value.tolist()
    if isinstance(value, list | tuple | set | frozenset):
        return "، ".join(map(str, value))
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _paragraphs(text: str, *, max_chars: int) -> list[str]:
    """The paragraphs of ``text`` (split at blank lines, each on one line), cut to ``max_chars`` characters in all.

    >>> _paragraphs("ضرب زلزال\\nقوي\\n\\n  \\n\\nمناطق واسعة", max_chars=20)
    ['ضرب زلزال قوي', 'مناطق…']
    """
    shown: list[str] = []
    room = max_chars
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())  # a line break inside a paragraph is a space
        if not paragraph:
            continue
        if len(paragraph) > room:
            shown.append(paragraph[: max(room - 1, 0)].rstrip() + "…")
            break
        shown.append(paragraph)
        room -= len(paragraph)
    return shown

"""The notebooks: stored clean, parameterised, thin, and executing on the bundled sample and a real corpus."""

from __future__ import annotations

import ast
import gzip
import itertools
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from test_report import sample_report

from toolkit.report import NOTEBOOKS_DIR, build_reports

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
PARAMETERS = [
    "data", "column_map", "articles_file", "since", "until", "sources", "kinds", "unit", "n_topics", "embedding",
    "seed", "model_dir", "themes_file", "theme_scores_file", "countries_file", "reading_labels_file", "output_dir",
]  # fmt: skip


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def _outputs(notebook: nbformat.NotebookNode) -> list[dict]:
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def test_the_three_notebooks_are_there():
    assert [nb.name for nb in NOTEBOOKS] == ["01-load-and-clean.ipynb", "02-topic-model.ipynb", "03-themes.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs_or_execution_counts(path):
    notebook = _read(path)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert [(cell.execution_count, cell.outputs) for cell in code] == [(None, [])] * len(code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_has_one_parameters_cell_with_the_shared_parameters(path):
    tagged = [cell for cell in _read(path).cells if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1
    assigned = [node.targets[0].id for node in ast.parse(tagged[0].source).body if isinstance(node, ast.Assign)]
    assert assigned == PARAMETERS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_imports_only_the_toolkit_and_opens_with_a_heading_and_prose(path):
    notebook = _read(path)
    imported = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            for node in ast.walk(ast.parse(TransformerManager().transform_cell(cell.source))):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom):
                    imported.add((node.module or "").split(".")[0])
    assert imported == {"toolkit"}
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    prose = [cell for cell in notebook.cells if cell.cell_type == "markdown"]
    assert len(prose) >= len(notebook.cells) // 3


def test_every_notebook_executes_on_the_bundled_sample_without_an_error(tmp_path_factory):
    output, _ = sample_report(tmp_path_factory)
    for path in NOTEBOOKS:
        executed = _read(output / "notebooks" / path.name)
        outputs = _outputs(executed)
        assert [o for o in outputs if o.output_type == "error"] == [], path.stem
        charts = [o for o in outputs if {"image/png", "application/vnd.plotly.v1+json"} & set(o.get("data", {}))]
        assert charts, f"{path.stem} shows no chart"


def _shown(notebook: nbformat.NotebookNode, call: str) -> str:
    """The HTML that the code cell making ``call`` shows."""
    (cell,) = [cell for cell in notebook.cells if cell.cell_type == "code" and call in cell.source]
    return "".join(output.data["text/html"] for output in cell.outputs if "text/html" in output.get("data", {}))


def test_topic_notebook_shows_example_stories_and_the_topics_of_a_word_and_says_how_to_rename(tmp_path_factory):
    output, _ = sample_report(tmp_path_factory)
    executed = _read(output / "notebooks" / "02-topic-model.ipynb")
    columns = ["topic", "label", "rank", "article_id", "title", "source", "published_at", "opening"]
    header = "".join(f'<th dir="auto">{column}</th>' for column in columns)
    assert header in _shown(executed, "model.example_stories(articles, n=3)")
    assert '<th dir="auto">probability</th>' in _shown(executed, 'model.find_topics("زلزال")')
    assert "representative_ids" not in "".join(cell.source for cell in executed.cells)
    prose = "".join(cell.source for cell in executed.cells if cell.cell_type == "markdown")
    assert "`model.set_topic_labels({0: " in prose


@pytest.mark.corpora
def test_themes_notebook_executes_on_300_articles_of_a_shared_corpus(corpora, tmp_path):
    subset = tmp_path / "ant-multisource-300.jsonl.gz"
    with gzip.open(corpora / "ant-multisource" / "articles.jsonl.gz", "rt", encoding="utf-8") as lines:
        every_17th = list(itertools.islice(lines, 0, None, 17))  # 300 of 5,100, across outlets and categories
    with gzip.open(subset, "wt", encoding="utf-8") as out:
        out.writelines(every_17th)
    notebook = NOTEBOOKS_DIR / "03-themes.ipynb"
    (report,) = build_reports([subset], output_dir=tmp_path / "out", notebooks=[notebook], progress=None)
    executed = _read(tmp_path / "out" / "notebooks" / notebook.name)
    assert [o for o in _outputs(executed) if o.output_type == "error"] == []
    assert len(every_17th) == 300
    assert report.stat().st_size > 0

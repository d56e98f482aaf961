"""The load stage: scraped pages and exports in, one typed row per story out: the articles DataFrame.

>>> import toolkit
>>> articles = toolkit.load_articles("data/raw")              # doctest: +SKIP

What goes in and what comes out: `toolkit.load.articles`. Its modules, in the order the data goes through them:

* `toolkit.load.files`: the input files found, their bytes read (gzip, NUL padding) and decoded (UTF-8, UTF-16,
  Windows-1256);
* `toolkit.load.records`: the records of each kind of file (page text, HTML, JSON, JSON Lines, CSV/TSV, Parquet);
* `toolkit.load.fields`: a record's fields found by column name (`DEFAULT_COLUMNS`, ``column_map``), tags split;
* `toolkit.load.rules`: the boilerplate rules compiled (`boilerplate_rules`);
* `toolkit.load.pages`: each page split by the rules into its story, embedded stories and headlines, as rows;
* `toolkit.load.schema`: `ARTICLE_COLUMNS`, `validate_articles`, `rejections` and `notes`;
* `toolkit.load.dates`: times read as UTC; `select_articles`, `stray_dates` and `period_start`;
* `toolkit.load.batches`: the records cleaned a bounded number at a time (one batch for `load_articles`);
* `toolkit.load.articles`: `load_articles`, which runs these steps, marks duplicates and assembles the frame;
* `toolkit.load.seen` and `toolkit.load.stream`: `iter_articles`, the same a batch at a time, duplicates marked
  across batches by what is kept of the earlier ones;
* `toolkit.load.dataset`: `save_articles`, `write_articles_dataset` and `read_articles`, the articles on disk (a
  file, or a dataset folder of parts).
"""

from __future__ import annotations

from toolkit.load.articles import load_articles
from toolkit.load.dataset import read_articles, save_articles, write_articles_dataset
from toolkit.load.dates import period_start as period_start
from toolkit.load.dates import select_articles, stray_dates
from toolkit.load.fields import DEFAULT_COLUMNS, check_column_map
from toolkit.load.rules import BoilerplateRules, boilerplate_rules
from toolkit.load.schema import ARTICLE_COLUMNS, KINDS, validate_articles
from toolkit.load.schema import notes as notes
from toolkit.load.schema import rejections as rejections
from toolkit.load.stream import BATCH_SIZE, iter_articles

# period_start, notes and rejections are public too (the toolkit package exports them; imported "as" themselves to
# say so), but not in __all__: as in the one-file module this package was.
__all__ = [
    "ARTICLE_COLUMNS",
    "BATCH_SIZE",
    "DEFAULT_COLUMNS",
    "KINDS",
    "BoilerplateRules",
    "boilerplate_rules",
    "check_column_map",
    "iter_articles",
    "load_articles",
    "read_articles",
    "save_articles",
    "select_articles",
    "stray_dates",
    "validate_articles",
    "write_articles_dataset",
]

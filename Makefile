# Two entry points for users (see README): `make all` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of torch: sentence-transformers needs torch, the default pipeline does not use a GPU.
# Override with e.g. `make TORCH=torch` to let pip choose.
TORCH ?= torch==2.13.0
# A second, small environment proves the charts on matplotlib before 3.11 (no native Arabic shaping).
VENV_MPL310 ?= .venv-mpl310
DATA ?= data/raw

.PHONY: all setup test test-setup test-mpl310 lint bench bench-scale clean-outputs

all: setup
	$(BIN)/toolkit clean $(DATA) -o data/processed/articles.parquet
	$(BIN)/toolkit topics data/processed/articles.parquet -o models/sample
	$(BIN)/toolkit themes data/processed/articles.parquet -o data/processed/themes.parquet
	$(BIN)/toolkit gallery $(DATA) -o reports/figures
	$(BIN)/toolkit report --data $(DATA) -o reports

setup: $(VENV)/.setup-done

$(VENV)/.setup-done: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

test-setup: $(VENV)/.test-done

$(VENV)/.test-done: $(VENV)/.setup-done
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

test: test-setup
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest
	$(MAKE) test-mpl310

test-mpl310: $(VENV_MPL310)/.setup-done
	$(VENV_MPL310)/bin/python -m pytest -m charts -p no:cacheprovider tests/test_plots.py

$(VENV_MPL310)/.setup-done: pyproject.toml
	test -x $(VENV_MPL310)/bin/python || $(PYTHON) -m venv $(VENV_MPL310)
	$(VENV_MPL310)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MPL310)/bin/python -m pip install --quiet "matplotlib>=3.10,<3.11" pillow pandas pyarrow plotly \
		wordcloud arabic-reshaper python-bidi fontpkg-noto-sans-arabic stopwordsiso pytest hypothesis
	$(VENV_MPL310)/bin/python -m pip install --quiet --no-deps -e .
	touch $@

lint: test-setup
	$(BIN)/python -m ruff check .

bench: test-setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python -m benchmarks

# Clean, topics and themes on 10k, 100k and 1M articles built from the shared corpora, and on Dask at 100k;
# writes benchmarks/SCALE.md (about 25 minutes).
bench-scale: test-setup
	$(BIN)/python -m benchmarks.scale

clean-outputs:
	rm -rf data/processed models reports

# Recall developer entry points. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE_INDEX := .recall/examples-index
# The CPU build of torch; an unpinned torch pulls gigabytes of CUDA wheels.
TORCH := torch==2.13.0

.PHONY: setup run test test-core test-neovim test-vscode bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(TORCH)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: setup
	$(BIN)/recall-ls index examples --index-dir $(EXAMPLE_INDEX)
	$(BIN)/recall-ls search "rereading my old journals I keep finding ideas I had forgotten" --index-dir $(EXAMPLE_INDEX) -k 3

# Everything: the core and server suite, then both editors for real (each installs what it needs).
test: test-core test-neovim test-vscode

test-core: setup
	$(BIN)/python -m pytest -q --ignore=tests/editors

test-neovim: setup
	clients/neovim/scripts/test.sh -q

test-vscode: setup
	clients/vscode/scripts/test.sh

bench: setup
	$(BIN)/python bench/calibrate_min_score.py
	$(BIN)/python bench/core_bench.py
	$(BIN)/python bench/query_embed_bench.py
	$(BIN)/python bench/server_bench.py

clean:
	rm -rf $(VENV) .recall .pytest_cache

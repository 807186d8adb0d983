# Recall developer entry points. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXAMPLE_INDEX := .recall/examples-index
# The torch Recall is tested with. scripts/install_torch.py takes its CPU build where there is no
# NVIDIA GPU (an unpinned torch from the package index pulls gigabytes of CUDA wheels).
TORCH := torch==2.13.0

.PHONY: setup run test test-core test-dist test-emacs test-neovim test-vscode dist bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/install_torch.py
	@echo "== setup 1/3: Python environment in $(VENV) ($$($(PYTHON) --version))"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "== setup 2/3: PyTorch"
	$(BIN)/python scripts/install_torch.py $(TORCH)
	@echo "== setup 3/3: Recall and its dependencies (annoy compiles: a minute on 2 cores)"
	$(BIN)/python -m pip install --progress-bar off -e '.[test]'
	touch $(STAMP)

run: setup
	$(BIN)/recall-ls index examples --index-dir $(EXAMPLE_INDEX)
	$(BIN)/recall-ls search "rereading my old journals I keep finding ideas I had forgotten" --index-dir $(EXAMPLE_INDEX) -k 3

# Everything: the core and server suite, the wheel as a user installs it, the README's Emacs set-up,
# then both editors' clients for real (each installs what it needs).
test: test-core test-dist test-emacs test-neovim test-vscode

test-core: setup
	$(BIN)/python -m pytest -q --ignore=tests/editors

test-dist: setup
	scripts/test_wheel.sh

test-emacs: setup
	tests/editors/emacs/run.sh

test-neovim: setup
	clients/neovim/scripts/test.sh

test-vscode: setup
	clients/vscode/scripts/test.sh

# What a user installs: the server's wheel and sdist in dist/, the VS Code extension as
# clients/vscode/recall.vsix.
dist: setup
	rm -rf dist
	$(BIN)/python -m pip install --quiet build
	$(BIN)/python -m build --outdir dist .
	cd clients/vscode && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build && npm run --silent package
	@ls -l dist clients/vscode/recall.vsix

bench: setup
	$(BIN)/python bench/calibrate_min_score.py
	$(BIN)/python bench/core_bench.py
	$(BIN)/python bench/query_embed_bench.py
	$(BIN)/python bench/server_bench.py

clean:
	rm -rf $(VENV) .recall .pytest_cache

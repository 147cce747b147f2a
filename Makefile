# Hearth — the two commands a newcomer needs are `make run` and `make test`.
# Both create or refresh .venv/ first; llama-cpp-python is compiled once into
# .venv/wheels/ and reused on every later refresh.

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
WHEELS := $(VENV)/wheels
LLAMA_VERSION := 0.3.36
TORCH_VERSION := 2.13.0
# Set CMAKE_ARGS="-DGGML_CUDA=on" (NVIDIA) or "-DGGML_METAL=on" (macOS) for a GPU build.
CMAKE_ARGS ?=
STAMP := $(VENV)/.hearth-installed

.PHONY: run test test-fast lint format typecheck bench package clean-venv venv screenshots i18n

venv: $(STAMP)

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip wheel setuptools

# The llama-cpp-python wheel is built from source once (about 7 minutes on 2 cores).
$(WHEELS)/.llama-$(LLAMA_VERSION): | $(BIN)/python
	mkdir -p $(WHEELS)
	CMAKE_ARGS="$(CMAKE_ARGS)" $(BIN)/python -m pip wheel --no-deps --wheel-dir $(WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	touch $@

$(STAMP): pyproject.toml $(WHEELS)/.llama-$(LLAMA_VERSION) | $(BIN)/python
	# CPU torch first: otherwise sentence-transformers pulls a multi-GB CUDA build.
	$(BIN)/python -m pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install --quiet --find-links $(WHEELS) -e '.[dev]'
	touch $@

run: venv
	$(BIN)/hearth

test: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-fast: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow" -x

lint: venv
	$(BIN)/ruff check app tests bench packaging docs/build_readme.py
	$(BIN)/ruff format --check app tests bench packaging docs/build_readme.py
	$(BIN)/mypy

format: venv
	$(BIN)/ruff format app tests bench
	$(BIN)/ruff check --fix app tests bench

bench: venv
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/server.py

screenshots: venv
	$(BIN)/python packaging/screenshots.py

# Refresh the English source catalogue of the app's strings (see docs/app2.md).
i18n: venv
	$(BIN)/pyside6-lupdate $$(find app/ui -name '*.py' | sort) -no-obsolete -source-language en -target-language en -ts resources/i18n/hearth_en.ts

package: venv
	bash packaging/linux/build.sh

clean-venv:
	rm -rf $(VENV)

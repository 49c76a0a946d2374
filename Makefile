# The two commands a user needs: `make serve` and `make test`. Both run the set-up first; it is quick when done.
HOST ?= 127.0.0.1
PORT ?= 8080
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup serve test lint typecheck unit models bench bench-speed clean

setup:
	@scripts/setup.sh

serve: setup
	$(BIN)/python -m server --host $(HOST) --port $(PORT)

test: setup lint typecheck unit

lint:
	$(BIN)/ruff check engine server benchmarks tests
	$(BIN)/ruff format --check engine server benchmarks tests

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q

models: setup
	$(BIN)/dlocr models fetch

bench: setup
	$(BIN)/python -m engine.cli synth --n 240 --seed 2026 --electronic-share 0.1 --out out/bench --reuse
	$(BIN)/python -m engine.cli eval out/bench --html out/bench/report.html --json out/bench/report.json --results-md benchmarks/RESULTS.md

bench-speed: setup
	$(BIN)/python -m benchmarks.speed
	$(BIN)/python -m benchmarks.strings

clean:
	rm -rf $(VENV) models/files .pytest_cache .mypy_cache .ruff_cache

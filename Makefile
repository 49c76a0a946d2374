# The two commands a user needs: `make serve` and `make test`. Both run the set-up first; it is quick when done.
HOST ?= 127.0.0.1
PORT ?= 8080
VENV := .venv
BIN := $(VENV)/bin
# make bench-load: server processes, seconds of load, concurrent clients, and the port (empty: a free one).
WORKERS ?= 1
DURATION ?= 30
CONCURRENCY ?= 4
BENCH_PORT ?=
FREE_PORT := import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])

.PHONY: setup serve test lint typecheck unit models bench bench-speed bench-load clean

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

# Starts its own server, waits for /readyz, loads it for DURATION s; the trap stops the server whatever happens.
bench-load: setup
	@port=$(BENCH_PORT); [ -n "$$port" ] || port=$$($(BIN)/python -c '$(FREE_PORT)'); \
	mkdir -p out; log=out/bench-load-server.log; \
	DLOCR_WORKERS=$(WORKERS) $(BIN)/python -m server --host 127.0.0.1 --port $$port >$$log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT INT TERM; \
	echo "bench-load: server pid $$server, DLOCR_WORKERS=$(WORKERS), port $$port, log in $$log"; \
	$(BIN)/python -m benchmarks.load --url http://127.0.0.1:$$port --duration $(DURATION) \
		--concurrency $(CONCURRENCY) --wait-ready 180

clean:
	rm -rf $(VENV) models/files .pytest_cache .mypy_cache .ruff_cache

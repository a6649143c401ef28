# Set-up is two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test dist lint typecheck typecheck-docs pytest bench bench-streams bench-clients bench-hostile autobahn \
	autobahn-server conformance conformance-browser conformance-browser-check \
	conformance-browser-smoke clean
AUTOBAHN_CASES ?= *
AUTOBAHN_SERVER_CASES ?= *

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/demo.py

test: lint typecheck typecheck-docs pytest

# A wheel in dist/, built offline from this checkout (no package index needed once `make`
# has created .venv): `pip install dist/websocketstream-*.whl` installs it elsewhere.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --no-build-isolation --wheel-dir dist .
	@ls dist/*.whl

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples tools
	$(BIN)/ruff format --check src tests benchmarks examples tools

typecheck: $(STAMP)
	$(BIN)/mypy

# mypy --strict on user code: examples/ and every ```python block of README.md and docs/.
typecheck-docs: $(STAMP)
	$(BIN)/python tools/typecheck_docs.py

# Line coverage is measured by every `make pytest`; each package below must reach its floor
# (percent of its lines run by the suite; "." is the top-level modules). cli/ is left out: its
# tests drive the command as subprocesses, which coverage does not follow.
COVERAGE_FLOORS ?= protocol:95 streams:90 dom:95 server:88 .:93

pytest: $(STAMP)
	$(BIN)/pytest -q --cov --cov-report=
	@fail=0; for floor in $(COVERAGE_FLOORS); do \
	  pkg=$${floor%%:*}; min=$${floor##*:}; \
	  if [ "$$pkg" = . ]; then \
	    total=$$($(BIN)/coverage report --format=total \
	      --include='*/websocketstream/*.py' --omit='*/websocketstream/*/*'); \
	  else \
	    total=$$($(BIN)/coverage report --format=total --include="*/websocketstream/$$pkg/*"); \
	  fi || exit 1; \
	  if [ "$$total" -lt "$$min" ]; then verdict="BELOW the floor of $$min%"; fail=1; \
	  else verdict="(floor $$min%)"; fi; \
	  echo "coverage $$pkg/: $$total% $$verdict"; \
	done; exit $$fail

bench: bench-streams bench-clients

bench-streams: $(STAMP)
	$(BIN)/python benchmarks/streams.py

bench-clients: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python benchmarks/clients.py

# Hostile peers (slowloris, idle connections, churn, ping flood, fragments) against our server
# and the websockets library's, side by side (about 4 minutes; --quick for a tenth).
bench-hostile: $(STAMP)
	$(BIN)/python benchmarks/hostile.py

# The Autobahn|Testsuite (fuzzingserver) against our WebSocketStream echo client.
# AUTOBAHN_CASES=1-10 runs a subset (CI does).
autobahn: $(STAMP)
	bash tests/conformance/autobahn/setup.sh
	$(BIN)/python tests/conformance/autobahn/run.py --cases '$(AUTOBAHN_CASES)'

# The Autobahn|Testsuite (fuzzingclient) against our echo server (websocketstream.serve).
# AUTOBAHN_SERVER_CASES=1-10 runs a subset (CI does).
autobahn-server: $(STAMP)
	bash tests/conformance/autobahn/setup.sh
	$(BIN)/python tests/conformance/autobahn/run_server.py --cases '$(AUTOBAHN_SERVER_CASES)'

# The browser comparison (tests/conformance/browser): our WebSocketStream against the checked-in
# Chromium traces (no Chromium needed; also part of `make test`).
conformance-browser-check: $(STAMP)
	$(BIN)/pytest -q tests/conformance/browser

# Re-record Chromium's traces (needs Debian's chromium, or CHROMIUM=/path/to/chrome).
conformance-browser: $(STAMP)
	$(BIN)/python -m tests.conformance.browser.record

# Run the smoke subset live in Chromium and compare with the checked-in traces (CI).
conformance-browser-smoke: $(STAMP)
	$(BIN)/python -m tests.conformance.browser.record --smoke --check

# Everything that judges conformance: Autobahn on both sides, then the browser comparison.
conformance: autobahn autobahn-server conformance-browser-check

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis

# Hai lệnh / two commands: `make run` and `make test`. Everything else is an implementation detail.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1
PORT ?= 8000
# make run is the laptop demo: it asks bootstrap for the demo data, unless TOCNS_DEMO=0 asks for a start
# without it (as in production, see docs/production.md).
DEMO_FLAG := $(if $(filter 0,$(TOCNS_DEMO)),--no-demo,--demo)
# Libraries are installed with uv (itself from PyPI, into the venv): it downloads in parallel and was ~3x
# faster than pip on a fresh machine. Pinned like the project's own dependencies. Where uv cannot be had,
# pip does the same install.
UV_VERSION := 0.13.9
# $(2): more options for uv (pip compiles the installed modules to bytecode by itself).
install = if [ -x $(UV) ]; then $(UV) pip install --quiet --python $(PY) $(2) $(1); else $(PY) -m pip install --quiet $(1); fi

.PHONY: run test lint bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# The libraries and tocns itself compiled to bytecode at install (uv does not by default, and a machine with
# PYTHONDONTWRITEBYTECODE never keeps it): every later start of a command or the server then reads it instead
# of compiling ~500 modules, 0.8 s of each start measured (bench/dashboard.py, export_report as a command).
$(VENV)/.installed: pyproject.toml $(VENV)/bin/python
	@[ -x $(UV) ] || $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)" || true
	$(call install,-e .,--compile-bytecode)
	@$(PY) -m compileall -q -j 0 tocns >/dev/null || true
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(call install,-e ".[dev]")
	@touch $@

# Step 1 of 5 is installing (timed here); `manage.py start` does the rest in one process and skips what has
# nothing to do: migrate, bootstrap, collectstatic, then the server.
run:
	@t0=$$(date +%s); \
	if $(MAKE) --no-print-directory -q $(VENV)/.installed 2>/dev/null; then \
	  echo "[1/5] Cài đặt thư viện… đã có (0 s)"; \
	else \
	  echo "[1/5] Cài đặt thư viện (lần đầu, có thể mất một phút)…"; \
	  $(MAKE) --no-print-directory -s $(VENV)/.installed || exit 1; \
	  echo "      xong ($$(( $$(date +%s) - t0 )) s)"; \
	fi
	@$(PY) manage.py start --host $(HOST) --port $(PORT) $(DEMO_FLAG)

# axe-core, which the browser tests run in the page to check accessibility, from the npm registry (pinned
# in package-lock.json). Without npm the accessibility checks are skipped, as the browser tests are
# without Chromium.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm không có: bỏ qua kiểm tra trợ năng bằng axe-core (cài Node.js để chạy)"; fi

test: $(VENV)/.installed-dev node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.installed-dev
	$(PY) bench/page_weight.py

# Python binding (crates/presigner-py + bindings/python): `make test-python`, `make bench-python`.
# Everything lives in .venv (created when missing); dev/test dependencies are pinned in
# bindings/python/requirements-dev.txt and reinstalled when that file changes.
PY_VENV := $(ROOT)/.venv
PY := $(PY_VENV)/bin/python
PY_PIP := $(PY) -m pip --disable-pip-version-check
PY_ENV := PATH="$(PY_VENV)/bin:$$PATH" BOTO_DISABLE_CRT=true
PY_DEV_REQ := bindings/python/requirements-dev.txt
PY_BENCH_REQ := bindings/python/requirements-bench.txt

.PHONY: test-python bench-python python-install
test: test-python

$(PY_VENV)/.presigner-dev-deps: $(PY_DEV_REQ)
	@test -x $(PY) || python3 -m venv $(PY_VENV)
	$(PY_PIP) install -q -r $(PY_DEV_REQ)
	@touch $@

# `pip install .` from the repository root: maturin builds crates/presigner-py (release profile)
# against the shared target/ and installs the wheel (no build isolation: maturin is pinned above).
python-install: $(PY_VENV)/.presigner-dev-deps
	$(PY_ENV) $(PY_PIP) install -q --no-build-isolation --no-deps --force-reinstall .

test-python: python-install
	cd $(PY_VENV) && $(PY_ENV) $(PY) -m mypy.stubtest presigner
	$(PY_ENV) $(PY) tests/python/bench.py --smoke
	$(PY_ENV) $(PY) -m pytest tests/python

bench-python: python-install
	$(PY_PIP) install -q -r $(PY_BENCH_REQ)
	$(PY_ENV) $(PY) tests/python/bench.py

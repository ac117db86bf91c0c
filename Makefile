# presigner — one SigV4 core, every language.
#   make test   every test of every language (installs what is missing)
#   make demo   presign a GET and a PUT with the CLI
#   make bench  benchmarks (not part of make test)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(abspath .)
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
export DEBIAN_FRONTEND ?= noninteractive

.PHONY: test demo bench test-rust lint-rust tools-rust build-cli bench-rust fuzz fuzz-smoke tools-fuzz
test: test-rust fuzz-smoke

# Language fragments add their own test-*/bench-* targets and append to `test`.
include $(sort $(wildcard mk/*.mk))

tools-rust:
	@rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
	@rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

lint-rust: tools-rust
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --exclude presigner-py --exclude presigner-node --all-targets -- -D warnings

test-rust: lint-rust
	$(CARGO) test --workspace --exclude presigner-py --exclude presigner-node

build-cli:
	$(CARGO) build --release -p presigner-cli

bench-rust:
	$(CARGO) bench -p presigner --bench presign

demo: build-cli
	@bash scripts/demo.sh

# Fuzzing the verifier and the signing parsers with libFuzzer (cargo fuzz needs a nightly toolchain).
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := verify sign
tools-fuzz:
	@$(ROOT)/.tools/bin/cargo-fuzz --version >/dev/null 2>&1 || \
		$(CARGO) install cargo-fuzz --version 0.13.2 --locked --root "$(ROOT)/.tools" --quiet

fuzz: tools-fuzz
	@for t in $(FUZZ_TARGETS); do \
		echo "== cargo fuzz run $$t for $(FUZZ_SECONDS) s"; \
		(cd crates/presigner && PATH="$(ROOT)/.tools/bin:$$PATH" cargo +nightly fuzz run $$t -- \
			-max_total_time=$(FUZZ_SECONDS)) || exit 1; \
	done

# A few seconds per target inside `make test`, so the fuzz targets cannot rot. The same bodies
# also run on stable in `cargo test` (crates/presigner/tests/fuzz_smoke.rs).
fuzz-smoke:
	@if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then \
		$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=5; \
	else \
		echo "fuzz-smoke: no nightly toolchain here; cargo fuzz needs one (the fuzz bodies ran on stable in cargo test)"; \
	fi

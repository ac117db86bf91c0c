# presigner — one SigV4 core, every language.
#   make test   every test of every language (installs what is missing)
#   make demo   presign a GET and a PUT with the CLI
#   make bench  benchmarks (not part of make test)
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(abspath .)
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never

.PHONY: test demo bench test-rust lint-rust tools-rust build-cli bench-rust
test: test-rust

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

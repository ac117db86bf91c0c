# Cross-language benchmark (bench/): every language's harness on the inputs of bench/inputs.json,
# side by side with the official SDKs; bench/run.py aggregates and renders.
#   make bench         full run -> bench/results.json, bench/results.md (ratio table), bench/chart.svg
#   make bench-smoke   a few iterations of every harness (part of make test) -> target/bench/
# Named zy- so that it is included after the language fragments whose build targets it uses.
.PHONY: bench bench-smoke bench-build bench-build-rust bench-build-c bench-build-go bench-build-dotnet bench-deps-python
test: bench-smoke

BENCH_OUT := $(ROOT)/target/bench
BENCH_PY := $(ROOT)/.venv/bin/python
BENCH_PY_STAMP := $(ROOT)/.venv/.presigner-bench-deps

bench-build-rust:
	CARGO_TARGET_DIR=$(ROOT)/target $(CARGO) build --release --quiet --manifest-path bench/rust/Cargo.toml

bench-build-c: build-ffi
	@mkdir -p $(BENCH_OUT)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror -Iinclude -o $(BENCH_OUT)/bench_c bench/c/bench.c \
		target/release/libpresigner_ffi.a -lpthread -ldl -lm

bench-build-go: build-ffi
	@mkdir -p $(BENCH_OUT)
	cd bench/go && CGO_ENABLED=1 $(GO) build -o $(BENCH_OUT)/presigner-bench-go .

bench-build-dotnet: dotnet-build
	@mkdir -p $(BENCH_OUT)
	cp $(DOTNET_OUT)/Presigner.dll $(BENCH_OUT)/
	$(MCS) -nologo -optimize+ -warnaserror+ -r:$(BENCH_OUT)/Presigner.dll -r:System.Net.Http.dll \
		-out:$(BENCH_OUT)/Bench.exe bench/dotnet/Bench.cs

# The Python peers (botocore, boto3 from requirements-dev.txt; awscrt) and matplotlib for the chart.
$(BENCH_PY_STAMP): $(PY_VENV)/.presigner-dev-deps $(PY_BENCH_REQ) bench/requirements.txt
	$(PY_PIP) install -q -r $(PY_BENCH_REQ) -r bench/requirements.txt
	@touch $@
bench-deps-python: python-install $(BENCH_PY_STAMP)

# Node: deps-node (npm ci) builds the addon and installs @smithy/signature-v4 and the AWS SDK.
bench-build: bench-build-rust bench-build-c bench-build-go bench-build-dotnet bench-deps-python deps-node

bench-smoke: bench-build
	$(BENCH_PY) bench/run.py --quick

bench: bench-build
	$(BENCH_PY) bench/run.py

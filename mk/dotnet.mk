# .NET package (bindings/dotnet: P/Invoke over include/presigner.h and libpresigner_ffi.so), built
# and tested with Mono's mcs/mono (the .NET SDK is not needed; it can build the same sources with
# bindings/dotnet/Presigner/Presigner.csproj and Presigner.Tests/Presigner.Tests.csproj).
#   make test-dotnet    compile library + test runner, run every case ("N passed, N failed"), bench smoke run
#   make bench-dotnet   presign per call on Mono vs the same calls from C (the Rust core directly), ratio
.PHONY: test-dotnet bench-dotnet tools-mono dotnet-build
test: test-dotnet

DOTNET_DIR := bindings/dotnet
DOTNET_OUT := $(ROOT)/target/dotnet
MCS ?= mcs
MONO ?= mono
# Mono's DllImport("presigner_ffi") finds libpresigner_ffi.so through dlopen and LD_LIBRARY_PATH.
MONO_ENV := RUST_BACKTRACE=0 LD_LIBRARY_PATH=$(ROOT)/target/release$${LD_LIBRARY_PATH:+:$$LD_LIBRARY_PATH} PRESIGNER_ROOT=$(ROOT)
MONO_PACKAGES := mono-mcs mono-runtime libmono-system-net-http4.0-cil
DOTNET_BENCH_N ?= 200000

# Only what the build needs (about 40 s from apt): the mcs compiler, the runtime and System.Net.Http.
tools-mono:
	@if ! command -v $(MONO) >/dev/null || ! command -v $(MCS) >/dev/null || ! ls /usr/lib/mono/4.5/System.Net.Http.dll >/dev/null 2>&1; then \
		echo "installing $(MONO_PACKAGES) from apt"; \
		apt-get update && apt-get install -y $(MONO_PACKAGES); \
	fi

dotnet-build: build-ffi tools-mono
	@mkdir -p $(DOTNET_OUT)
	$(MCS) -nologo -target:library -unsafe -optimize+ -warnaserror+ -doc:$(DOTNET_OUT)/Presigner.xml \
		-r:System.Net.Http.dll -out:$(DOTNET_OUT)/Presigner.dll $(DOTNET_DIR)/Presigner/*.cs
	$(MCS) -nologo -warnaserror+ -r:$(DOTNET_OUT)/Presigner.dll -r:System.Net.Http.dll \
		-out:$(DOTNET_OUT)/Presigner.Tests.exe $(DOTNET_DIR)/Presigner.Tests/*.cs $(DOTNET_DIR)/MonoRunner/Program.cs
	$(MCS) -nologo -optimize+ -warnaserror+ -r:$(DOTNET_OUT)/Presigner.dll -out:$(DOTNET_OUT)/Bench.exe $(DOTNET_DIR)/Bench/Bench.cs
	$(CC) -O2 -Iinclude -o $(DOTNET_OUT)/bench_c $(DOTNET_DIR)/Bench/bench_c.c target/release/libpresigner_ffi.a -lpthread -ldl -lm

test-dotnet: dotnet-build
	cd $(DOTNET_OUT) && $(MONO_ENV) $(MONO) --debug Presigner.Tests.exe
	@$(MAKE) --no-print-directory bench-dotnet-run DOTNET_BENCH_N=2000

bench-dotnet: dotnet-build
	@$(MAKE) --no-print-directory bench-dotnet-run

.PHONY: bench-dotnet-run
bench-dotnet-run:
	@{ $(DOTNET_OUT)/bench_c $(DOTNET_BENCH_N) && cd $(DOTNET_OUT) && $(MONO_ENV) $(MONO) --optimize=all Bench.exe $(DOTNET_BENCH_N); } \
		| tee $(DOTNET_OUT)/bench.txt
	@awk '$$1=="c" {c[$$2]=$$3} $$1=="dotnet" {d[$$2]=$$3} \
		END { for (k in d) printf "%-16s Mono %.2f us/call, C ABI from C %.2f us/call: Mono/C = %.2fx\n", k, d[k], c[k], d[k]/c[k] }' \
		$(DOTNET_OUT)/bench.txt

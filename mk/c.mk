# C ABI: libpresigner_ffi (.so/.a), the cbindgen header and the C tests.
#   make test-c      header drift check, build, C tests (static, shared, valgrind, ASan+UBSan)
#   make header      regenerate include/presigner.h after changing crates/presigner-ffi
.PHONY: test-c build-ffi header check-header tools-cbindgen tools-valgrind c-tests-build
test: test-c

CBINDGEN_VERSION := 0.29.4
TOOLS_DIR := $(ROOT)/.tools
CBINDGEN := $(TOOLS_DIR)/bin/cbindgen
CBINDGEN_ARGS := --config crates/presigner-ffi/cbindgen.toml --crate presigner-ffi crates/presigner-ffi
FFI_LIB_DIR := $(ROOT)/target/release
C_BUILD := $(ROOT)/target/c-test
C_CC ?= gcc
C_WARN := -std=c11 -Wall -Wextra -Werror -pedantic -Wno-overlength-strings
C_LIBS := -lpthread -ldl -lm
VALGRIND := valgrind --quiet --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect
C_RUN_ENV := RUST_BACKTRACE=0

tools-cbindgen:
	@if ! "$(CBINDGEN)" --version 2>/dev/null | grep -qx 'cbindgen $(CBINDGEN_VERSION)'; then \
		echo "installing cbindgen $(CBINDGEN_VERSION) into $(TOOLS_DIR)"; \
		$(CARGO) install cbindgen --version '=$(CBINDGEN_VERSION)' --locked --root "$(TOOLS_DIR)"; \
	fi

tools-valgrind:
	@command -v valgrind >/dev/null || { apt-get update -qq && apt-get install -y -qq valgrind; }

build-ffi:
	$(CARGO) build --release -p presigner-ffi

header: tools-cbindgen
	"$(CBINDGEN)" $(CBINDGEN_ARGS) --output include/presigner.h

check-header: tools-cbindgen
	@mkdir -p "$(C_BUILD)"
	@"$(CBINDGEN)" $(CBINDGEN_ARGS) --output "$(C_BUILD)/presigner.fresh.h" 2>/dev/null
	@diff -u include/presigner.h "$(C_BUILD)/presigner.fresh.h" \
		|| { echo "include/presigner.h differs from a fresh cbindgen run: run 'make header' and commit it"; exit 1; }
	@echo "include/presigner.h is up to date"

c-tests-build: build-ffi
	@mkdir -p "$(C_BUILD)"
	python3 tests/c/gen_vectors.py tests/vectors/sigv4.json "$(C_BUILD)/vectors.inc"
	$(C_CC) $(C_WARN) -O1 -g -Iinclude -I"$(C_BUILD)" tests/c/test_presigner.c \
		"$(FFI_LIB_DIR)/libpresigner_ffi.a" $(C_LIBS) -o "$(C_BUILD)/test_static"
	$(C_CC) $(C_WARN) -O1 -g -Iinclude -I"$(C_BUILD)" tests/c/test_presigner.c \
		"$(FFI_LIB_DIR)/libpresigner_ffi.so" -Wl,-rpath,"$(FFI_LIB_DIR)" $(C_LIBS) -o "$(C_BUILD)/test_shared"
	$(C_CC) $(C_WARN) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined -Iinclude -I"$(C_BUILD)" tests/c/test_presigner.c \
		"$(FFI_LIB_DIR)/libpresigner_ffi.a" $(C_LIBS) -o "$(C_BUILD)/test_asan"
	@ldd "$(C_BUILD)/test_shared" | grep -q 'libpresigner_ffi.so' \
		|| { echo "test_shared is not linked against libpresigner_ffi.so"; exit 1; }
	@! nm "$(C_BUILD)/test_shared" | grep -q ' T presigner_s3_presign$$' \
		|| { echo "test_shared carries its own copy of the library"; exit 1; }

test-c: check-header tools-valgrind c-tests-build
	@echo "== C tests, static library"
	$(C_RUN_ENV) "$(C_BUILD)/test_static"
	@echo "== C tests, shared library"
	$(C_RUN_ENV) "$(C_BUILD)/test_shared"
	@echo "== C tests, static library under valgrind"
	$(C_RUN_ENV) $(VALGRIND) "$(C_BUILD)/test_static"
	@echo "== C tests, shared library under valgrind"
	$(C_RUN_ENV) $(VALGRIND) "$(C_BUILD)/test_shared"
	@echo "== C tests, -fsanitize=address,undefined"
	$(C_RUN_ENV) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$(C_BUILD)/test_asan"

# End-to-end program (tests/e2e/c_e2e.c, run by tests/e2e/run.sh c): presigns through the C ABI,
# sends with curl.
.PHONY: build-c-e2e
test-e2e: build-c-e2e

build-c-e2e: build-ffi
	@mkdir -p "$(C_BUILD)"
	$(C_CC) $(C_WARN) -O1 -g -Iinclude tests/e2e/c_e2e.c "$(FFI_LIB_DIR)/libpresigner_ffi.a" $(C_LIBS) \
		-o "$(C_BUILD)/e2e"

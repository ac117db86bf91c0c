# Go package (bindings/go, cgo over include/presigner.h and the static libpresigner_ffi.a).
#   make test-go    go vet, go test ./... and go test -race ./... (needs the release library)
#   make bench-go   presigner vs aws-sdk-go-v2 PresignHTTP, ns/op side by side and the ratio
.PHONY: test-go bench-go
test: test-go

GO ?= go
GO_DIR := bindings/go
GO_ENV := RUST_BACKTRACE=0 CGO_ENABLED=1

test-go: build-ffi
	cd $(GO_DIR) && $(GO_ENV) $(GO) vet ./...
	cd $(GO_DIR) && $(GO_ENV) $(GO) test -count=1 ./...
	cd $(GO_DIR) && $(GO_ENV) $(GO) test -race -count=1 ./...

bench-go: build-ffi
	@mkdir -p target
	cd $(GO_DIR) && $(GO_ENV) $(GO) test -run '^$$' -bench . -benchmem -benchtime 2s -count 3 ./... \
		| tee $(ROOT)/target/bench-go.txt
	@awk '/^BenchmarkPresignGet-/ {p+=$$3; np++} /^BenchmarkAWSPresignHTTP-/ {a+=$$3; na++} \
		END { if (np && na) printf "presigner %.0f ns/op, aws-sdk-go-v2 PresignHTTP %.0f ns/op: %.1fx faster per URL\n", \
		p/np, a/na, (a/na)/(p/np) }' $(ROOT)/target/bench-go.txt

# The go e2e suite (tests/e2e/run.sh go, build tag e2e) links the release library.
test-e2e: build-ffi

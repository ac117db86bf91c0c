# Node.js binding (bindings/node, crates/presigner-node): napi-rs addon, node --test, tsc.
#   make test-node    npm ci (its install script builds the addon in release with the napi CLI),
#                     check the committed index.d.ts/binding.js are current, tsc --noEmit on a
#                     usage example, node --test, and a smoke run of the benchmark
#   make bench-node   presigner vs @smithy/signature-v4 vs getSignedUrl, µs per URL
.PHONY: test-node bench-node deps-node lint-node
test: test-node

NODE_DIR := $(ROOT)/bindings/node
NPM ?= npm

deps-node:
	@command -v node >/dev/null || { echo "node (>= 20) is required for the Node binding" >&2; exit 1; }
	cd $(NODE_DIR) && $(NPM) ci --no-audit --no-fund

lint-node:
	$(CARGO) fmt -p presigner-node --check
	$(CARGO) clippy -p presigner-node --release -- -D warnings

test-node: deps-node lint-node
	@cd $(ROOT) && if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git diff --exit-code -- bindings/node/index.d.ts bindings/node/binding.js \
	  || { echo "bindings/node/index.d.ts or binding.js is stale: commit what napi build generated" >&2; exit 1; }; fi
	cd $(NODE_DIR) && npx tsc -p types/tsconfig.json
	cd $(NODE_DIR) && AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING=1 node --test test/
	cd $(NODE_DIR) && NODE_NO_WARNINGS=1 node bench/bench.js --smoke

bench-node: deps-node
	cd $(NODE_DIR) && NODE_NO_WARNINGS=1 node bench/bench.js

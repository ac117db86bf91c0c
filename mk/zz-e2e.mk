# End-to-end tests against a real verifying S3 server (tests/e2e/run.sh).
# Named zz- so that `make test` runs it after every language fragment has built its package.
.PHONY: test-e2e
E2E_SUITES ?= cli go c python node dotnet
test: test-e2e

test-e2e: build-cli
	bash tests/e2e/run.sh $(E2E_SUITES)

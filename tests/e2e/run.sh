#!/usr/bin/env bash
# End-to-end harness: starts a real SigV4-verifying S3 server (s3s-fs, pinned) on a free loopback
# port with a throw-away data directory, runs each language's e2e suite against it, and always
# stops it. Usage: tests/e2e/run.sh SUITE... (suites: cli python node go c dotnet)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

S3S_VERSION=0.14.1
tools=$root/.tools
server=$tools/bin/s3s-fs
if ! "$server" --version 2>/dev/null | grep -q "$S3S_VERSION"; then
    echo "installing s3s-fs $S3S_VERSION into $tools (once, about 2 minutes)"
    cargo install "s3s-fs@$S3S_VERSION" --features binary --locked --root "$tools" --quiet
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
data=$(mktemp -d)
log=$data.log
export PRESIGNER_E2E_PORT=$port
export PRESIGNER_E2E_ENDPOINT=http://127.0.0.1:$port
export PRESIGNER_E2E_ACCESS_KEY=AKIAE2EPRESIGNER0001
export PRESIGNER_E2E_SECRET_KEY=e2e/secret+key=for-the-local-server-only
export PRESIGNER_E2E_REGION=us-east-1
export PRESIGNER_E2E_BUCKET=presigner-e2e

"$server" --host 127.0.0.1 --port "$port" \
    --access-key "$PRESIGNER_E2E_ACCESS_KEY" --secret-key "$PRESIGNER_E2E_SECRET_KEY" \
    --domain "localhost:$port" "$data" > "$log" 2>&1 &
server_pid=$!
stop() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -rf "$data" "$log"
}
trap stop EXIT INT TERM

for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { echo "s3s-fs exited:"; cat "$log"; exit 1; }
    sleep 0.1
done

failed=()
for suite in "$@"; do
    # every suite starts from an empty bucket (a bucket is a directory for s3s-fs)
    rm -rf "${data:?}/$PRESIGNER_E2E_BUCKET"
    mkdir -p "$data/$PRESIGNER_E2E_BUCKET"
    echo "== e2e: $suite against s3s-fs $S3S_VERSION on 127.0.0.1:$port"
    case $suite in
        cli) cmd=(bash tests/e2e/cli.sh) ;;
        python) cmd=("$root/.venv/bin/python" -m pytest -q tests/e2e/test_e2e.py) ;;
        node) cmd=(node --test tests/e2e/e2e.test.mjs) ;;
        go) cmd=(bash -c "cd bindings/go && CGO_ENABLED=1 go test -count=1 -v -tags e2e -run 'TestE2E' ./...") ;;
        c) cmd=("$root/target/c-test/e2e") ;;
        dotnet) cmd=(bash tests/e2e/dotnet.sh) ;;
        *) echo "unknown suite $suite"; exit 2 ;;
    esac
    if ! "${cmd[@]}"; then
        failed+=("$suite")
    fi
done

if ((${#failed[@]})); then
    echo "e2e failed for: ${failed[*]}"
    exit 1
fi
echo "e2e passed for: $*"

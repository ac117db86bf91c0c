#!/usr/bin/env bash
# `make demo`: the main job, end to end, on this machine with no AWS account.
# Starts a real SigV4-verifying S3 server (s3s-fs) on loopback, creates a bucket, presigns a PUT
# and a GET with the CLI, uploads a file with curl, downloads it, and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=$root/target/release/presigner
S3S_VERSION=0.14.1
server=$root/.tools/bin/s3s-fs

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }

if ! "$server" --version 2>/dev/null | grep -q "$S3S_VERSION"; then
    say "First run: installing the local S3 server (s3s-fs $S3S_VERSION) into .tools/ (about 2 minutes)"
    cargo install "s3s-fs@$S3S_VERSION" --features binary --locked --root "$root/.tools" --quiet
fi

# The example credentials from the S3 documentation: they sign correctly and grant nothing on AWS.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1
unset AWS_SESSION_TOKEN AWS_PROFILE

say "The S3 documentation's presigned URL, reproduced byte for byte"
run "$bin" s3://examplebucket/test.txt --date 2013-05-24T00:00:00Z --expires-in 86400

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
data=$(mktemp -d)
work=$(mktemp -d)
"$server" --host 127.0.0.1 --port "$port" --access-key "$AWS_ACCESS_KEY_ID" \
    --secret-key "$AWS_SECRET_ACCESS_KEY" --domain "localhost:$port" "$data" > "$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true; rm -rf "$data" "$work"' EXIT
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
endpoint=http://127.0.0.1:$port
say "Local S3 server (verifies every signature) on $endpoint"

say "Create a bucket with a presigned request (presigner url works for any S3 or AWS call)"
url=$("$bin" url PUT "$endpoint/demo-bucket" --service s3)
run curl -sS -o /dev/null -w 'HTTP %{http_code}\n' -X PUT "$url"

key="reports/2024 Q1 (final).txt"
printf 'Hello from presigner at %s\n' "$(date -u +%FT%TZ)" > "$work/upload.txt"

say "Presign an upload URL for \"$key\" that only accepts text/plain, valid 10 minutes"
run "$bin" "s3://demo-bucket/$key" --endpoint-url "$endpoint" --method PUT \
    --content-type text/plain --expires-in 600 --output json --explain | tee "$work/put.json"
put_url=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["url"])' "$work/put.json")

say "Upload with curl, sending the signed Content-Type"
run curl -sS -o /dev/null -w 'HTTP %{http_code}\n' -X PUT -H 'Content-Type: text/plain' \
    --data-binary @"$work/upload.txt" "$put_url"

say "The same URL with another Content-Type is refused (the header is signed)"
run curl -sS -o /dev/null -w 'HTTP %{http_code}\n' -X PUT -H 'Content-Type: image/png' \
    --data-binary @"$work/upload.txt" "$put_url"

say "Presign a download link and fetch it"
get_url=$("$bin" "s3://demo-bucket/$key" --endpoint-url "$endpoint" --expires-in 600)
echo "$get_url"
run curl -sS -o "$work/download.txt" -w 'HTTP %{http_code}\n' "$get_url"
cat "$work/download.txt"
cmp -s "$work/upload.txt" "$work/download.txt" && echo "downloaded bytes == uploaded bytes"

say "A tampered link is refused"
run curl -sS -o /dev/null -w 'HTTP %{http_code}\n' "${get_url/X-Amz-Expires=600/X-Amz-Expires=6000}"

say "Done; the server is stopped and its data removed"

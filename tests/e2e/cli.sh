#!/usr/bin/env bash
# End-to-end: URLs from the `presigner` CLI, sent with curl to a real verifying S3 server.
# Started by tests/e2e/run.sh, which exports PRESIGNER_E2E_* (endpoint, keys, bucket).
set -uo pipefail

bin=${PRESIGNER_BIN:-target/release/presigner}
ep=$PRESIGNER_E2E_ENDPOINT
port=$PRESIGNER_E2E_PORT
bucket=$PRESIGNER_E2E_BUCKET
export AWS_ACCESS_KEY_ID=$PRESIGNER_E2E_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$PRESIGNER_E2E_SECRET_KEY
unset AWS_SESSION_TOKEN AWS_PROFILE
region=$PRESIGNER_E2E_REGION
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
check() { # check NAME EXPECTED ACTUAL
    if [[ "$2" == "$3" ]]; then
        passed=$((passed + 1)); echo "ok   $1"
    else
        failed=$((failed + 1)); echo "FAIL $1: expected $2, got $3"
    fi
}
sign() { "$bin" "s3://$bucket/$1" --region "$region" --endpoint-url "$ep" "${@:2}"; }
status() { curl -s -o "$work/body" -w '%{http_code}' --path-as-is "$@"; }
ok2xx() { [[ "$1" == 2* ]] && echo 2xx || echo "$1"; }

key='e2e cli/sp ace+plus=eq&amp~tilde!bang(paren)/ünï©ode/x.bin'
head -c 4096 /dev/urandom > "$work/payload"

# 1. PUT, GET, HEAD, DELETE
url=$(sign "$key" --method PUT)
check "put with special characters" 2xx "$(ok2xx "$(status -X PUT --data-binary @"$work/payload" "$url")")"
url=$(sign "$key")
check "get returns 2xx" 2xx "$(ok2xx "$(status "$url")")"
check "get returns the same bytes" same "$(cmp -s "$work/payload" "$work/body" && echo same || echo different)"
url=$(sign "$key" --method HEAD)
check "head" 2xx "$(ok2xx "$(status -I "$url")")"

# 2. signed Content-Type and metadata
url=$(sign photo.png --method PUT --content-type image/png --header 'x-amz-meta-owner: alice')
check "put with another content type" 403 "$(status -X PUT -H 'Content-Type: image/jpeg' -H 'x-amz-meta-owner: alice' --data-binary @"$work/payload" "$url")"
check "put with the signed content type" 2xx "$(ok2xx "$(status -X PUT -H 'Content-Type: image/png' -H 'x-amz-meta-owner: alice' --data-binary @"$work/payload" "$url")")"
url=$(sign photo.png --method HEAD)
curl -s -I "$url" > "$work/headers"
check "metadata round-trips" alice "$(grep -i '^x-amz-meta-owner:' "$work/headers" | cut -d: -f2 | tr -d ' \r')"

# 3. forgeries
url=$(sign "$key")
last=${url: -1}; [[ $last == 0 ]] && repl=1 || repl=0
check "tampered signature" 403 "$(status "${url%?}$repl")"
check "changed path" 403 "$(status "${url/x.bin/y.bin}")"
check "changed X-Amz-Expires" 403 "$(status "${url/X-Amz-Expires=3600/X-Amz-Expires=7200}")"
check "GET URL used for PUT" 403 "$(status -X PUT --data-binary @"$work/payload" "$url")"
wrong=$(AWS_SECRET_ACCESS_KEY=not-the-secret sign "$key")
check "wrong secret" 403 "$(status "$wrong")"
past=$(date -u -d '-2 hours' +%Y-%m-%dT%H:%M:%SZ)
check "expired URL" 403 "$(status "$(sign "$key" --date "$past" --expires-in 60)")"
future=$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)
check "URL dated 2 h in the future" 403 "$(status "$(sign "$key" --date "$future")")"

# 4. virtual-hosted style through --domain (Host header) and path style
url=$("$bin" "s3://$bucket/$key" --region "$region" --endpoint-url "http://localhost:$port" --addressing-style virtual)
check "virtual-hosted URL names the bucket in the host" yes "$([[ $url == "http://$bucket.localhost:$port/"* ]] && echo yes || echo "$url")"
check "virtual-hosted GET" 2xx "$(ok2xx "$(status --connect-to "$bucket.localhost:$port:127.0.0.1:$port" "$url")")"
url=$(sign "$key" --addressing-style path)
check "path-style GET" 2xx "$(ok2xx "$(status "$url")")"

# 5. multipart upload through presigned URLs
mkey='e2e cli/multi part.bin'
head -c $((5 * 1024 * 1024)) /dev/urandom > "$work/part1"
head -c 1000 /dev/urandom > "$work/part2"
url=$(sign "$mkey" --method POST --query uploads=)
code=$(status -X POST "$url")
upload_id=$(sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p' "$work/body")
check "create multipart upload" 2xx "$(ok2xx "$code")"
etags=()
for n in 1 2; do
    url=$(sign "$mkey" --method PUT --query "partNumber=$n" --query "uploadId=$upload_id")
    code=$(curl -s -D "$work/h$n" -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$work/part$n" "$url")
    check "upload part $n" 2xx "$(ok2xx "$code")"
    etags+=("$(grep -i '^etag:' "$work/h$n" | cut -d' ' -f2 | tr -d '\r')")
done
{
    echo '<CompleteMultipartUpload>'
    for n in 1 2; do echo "<Part><PartNumber>$n</PartNumber><ETag>${etags[$((n - 1))]}</ETag></Part>"; done
    echo '</CompleteMultipartUpload>'
} > "$work/complete.xml"
url=$(sign "$mkey" --method POST --query "uploadId=$upload_id")
check "complete multipart upload" 2xx "$(ok2xx "$(status -X POST --data-binary @"$work/complete.xml" "$url")")"
cat "$work/part1" "$work/part2" > "$work/whole"
status "$(sign "$mkey")" > /dev/null
check "multipart object is the concatenation" same "$(cmp -s "$work/whole" "$work/body" && echo same || echo different)"

url=$(sign "$key" --method DELETE)
check "delete" 2xx "$(ok2xx "$(status -X DELETE "$url")")"
check "deleted object is gone" 404 "$(status "$(sign "$key")")"

echo "cli e2e: $passed passed, $failed failed"
[[ $failed == 0 ]]

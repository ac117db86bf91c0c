#!/usr/bin/env bash
# `make demo`: presign a GET and a PUT with the CLI, using the example credentials from the
# S3 documentation (they sign correctly but grant nothing: no AWS account is involved).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/presigner
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

echo "== The S3 documentation's example, reproduced byte for byte =="
echo "\$ presigner s3://examplebucket/test.txt --region us-east-1 --date 2013-05-24T00:00:00Z --expires-in 86400"
"$bin" s3://examplebucket/test.txt --region us-east-1 --date 2013-05-24T00:00:00Z --expires-in 86400
echo
echo "== A download link valid for 10 minutes =="
echo "\$ presigner 's3://demo-bucket/reports/2024 Q1.pdf' --region eu-west-1 --expires-in 600"
"$bin" 's3://demo-bucket/reports/2024 Q1.pdf' --region eu-west-1 --expires-in 600
echo
echo "== An upload URL that only accepts image/png, with the canonical request explained =="
echo "\$ presigner s3://demo-bucket/uploads/cat.png --method PUT --content-type image/png --region eu-west-1 --output json --explain"
"$bin" s3://demo-bucket/uploads/cat.png --method PUT --content-type image/png --region eu-west-1 --output json --explain

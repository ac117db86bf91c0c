#!/usr/bin/env bash
# End-to-end suite of the .NET binding (tests/e2e/dotnet/E2E.cs, HttpClient on Mono) against the
# s3s-fs server started by tests/e2e/run.sh, which exports PRESIGNER_E2E_*.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
make -s dotnet-build >/dev/null
mcs -nologo -warnaserror+ -r:target/dotnet/Presigner.dll -r:System.Net.Http.dll \
    -out:target/dotnet/E2E.exe tests/e2e/dotnet/E2E.cs
cd target/dotnet
RUST_BACKTRACE=0 LD_LIBRARY_PATH="$root/target/release${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
    mono --debug E2E.exe

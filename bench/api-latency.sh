#!/usr/bin/env bash
# REST API latency: starts a silo (Release, temp data directory, queue paused so dispatched jobs
# stay queued) and drives it from a separate load-generator process at fixed request rates.
# Usage: bash bench/api-latency.sh [rates, default 100,250,500] [seconds per rate, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
rates="${1:-100,250,500}"
seconds="${2:-10}"
data="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token="bench-$(date +%s%N)"
dotnet build src/Silo -c Release -v q -nologo >/dev/null
dotnet build bench/CodeIngest.Bench -c Release -v q -nologo >/dev/null

CodeIngest__DataDirectory="$data" \
CodeIngest__Api__AdminToken="$token" \
CodeIngest__Api__WritePermitsPerMinute=1000000 \
CodeIngest__Api__ReadPermitsPerMinute=1000000 \
CodeIngest__Queue__MaxPending=1000000 \
CodeIngest__Queue__Paused=true \
Logging__LogLevel__Default=Warning \
ASPNETCORE_URLS="http://127.0.0.1:$port" \
  dotnet src/Silo/bin/Release/net10.0/CodeIngest.Silo.dll >"$data/silo.log" 2>&1 &
silo=$!
trap 'kill $silo 2>/dev/null; wait $silo 2>/dev/null; rm -rf "$data"' EXIT

for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.3
done

echo "machine: $(nproc) cores; silo pid $silo; load generator: separate process; load average before: $(cut -d" " -f1-3 /proc/loadavg)"
dotnet bench/CodeIngest.Bench/bin/Release/net10.0/CodeIngest.Bench.dll api "http://127.0.0.1:$port" "$token" "$rates" "$seconds"
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"

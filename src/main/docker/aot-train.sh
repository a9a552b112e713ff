#!/usr/bin/env bash
# Training run for the JVM's AOT cache (JEP 483/514/515), used by .ci/aot-jar and Dockerfile.jvm:
#   aot-train.sh DIRECTORY -- COMMAND...
# runs COMMAND (a JDK 25+ starting quarkus-run.jar with -XX:AOTCacheOutput=app.aot and the production options)
# in DIRECTORY against the gateway's embedded PostgreSQL (GATEWAY_DATABASE_EMBEDDED=true, in a temporary
# directory), waits until it is ready, submits jobs and a batch, polls them, reads the health and metrics
# endpoints, then stops it with SIGTERM: the JVM writes app.aot as it exits. Needs bash; curl if present.
set -euo pipefail
dir=$1; shift
[[ ${1:-} == -- ]] && shift
cd "$dir"
work=$(mktemp -d "${TMPDIR:-/tmp}/aot-training.XXXXXX")
port=$(( 20000 + RANDOM % 30000 ))
rm -f app.aot

env QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$port" GATEWAY_BOOTSTRAP_API_KEY=aot-training \
  GATEWAY_URL_POLICY_ALLOW_PRIVATE_NETWORKS=true GATEWAY_DATABASE_EMBEDDED=true \
  GATEWAY_DATABASE_EMBEDDED_DIRECTORY="$work/postgres" "$@" > "$work/gateway.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

http() { # http METHOD PATH [JSON]: prints the body
  if command -v curl >/dev/null; then
    curl -s -X "$1" "http://127.0.0.1:$port$2" -H 'Content-Type: application/json' ${3:+-d "$3"}
  else
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
      "$1" "$2" "${#3}" "${3:-}" >&3
    sed '1,/^\r$/d' <&3
    exec 3>&-
  fi
}
for _ in $(seq 1 3000); do
  [[ $(http GET /q/health/ready 2>/dev/null || true) == *'"UP"'* ]] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/gateway.log" >&2; echo "aot-train: the training run died" >&2; exit 1; }
  sleep 0.1
done
target="http://127.0.0.1:$port/q/health/live"
for i in $(seq 1 40); do
  http POST /jobs "{\"apiKey\":\"aot-training\",\"url\":\"$target?i=$i\",\"meta\":{\"i\":$i}}" > "$work/job.json"
done
http POST /batchjobs "{\"apiKey\":\"aot-training\",\"urls\":[\"$target?b=1\",\"$target?b=2\",\"$target?b=3\"]}" > /dev/null
sleep 2
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/job.json")
http GET "/jobs/$id" > /dev/null
http GET /q/health/ready > /dev/null
http GET /q/metrics > /dev/null

kill -TERM "$pid"
wait "$pid" || true
if [[ ! -s app.aot ]]; then
  cat "$work/gateway.log" >&2
  echo "aot-train: the training run wrote no app.aot" >&2
  exit 1
fi
echo "aot-train: $PWD/app.aot ($(du -h app.aot | cut -f1))"

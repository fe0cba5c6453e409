#!/usr/bin/env bash
# The server's read benchmark (issue 10): wrk on loopback against a Release
# `stocktake serve`, each figure beside nginx serving the same bytes as a
# static file in the same run (Debian's wrk and nginx-light, installed here
# when missing). Reads: the 4.3 release report as JSON and one feature page
# on the example database, and the first page (limit 100) of a 10,000-feature
# list. Prints requests/s, p99 latency and the ratio to nginx for each.
#   scripts/bench-serve.sh                 # 32 connections, 10 s per run
#   SECONDS_PER_RUN=30 CONNECTIONS=64 scripts/bench-serve.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
duration=${SECONDS_PER_RUN:-10}
connections=${CONNECTIONS:-32}

missing=()
for package in wrk nginx-light; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench-serve: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTOCKTAKE_BUILD_TESTS=OFF \
  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
ninja -C "$build" -j2 stocktake >/dev/null
stocktake=$build/cli/stocktake

work=$(mktemp -d "${TMPDIR:-/tmp}/stocktake-bench-serve.XXXXXX")
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

# The example release, and a release of 10,000 features made by a project file.
"$stocktake" --db "$work/example.db" --now 2013-01-21 --as george.dunlap@eu.citrix.com \
  import "$root/examples/xen-4.3.yaml" >/dev/null
python3 - "$work/large.yaml" <<'EOF'
import sys
with open(sys.argv[1], "w") as out:
    out.write("as_of: 2024-01-01\nproject:\n  name: Bench\n  mailing_list: bench@example.org\n"
              "people:\n  - email: rm@example.org\n    roles: [release-manager]\n"
              "releases:\n  - version: \"9.0\"\n    start: 2023-09-01\n    freeze: 2024-03-01\n"
              "    release: 2024-06-01\n    features:\n")
    statuses = ["finished", "on-track", "fair", "at-risk"]
    for i in range(10000):
        out.write(f"      - title: Feature number {i} of the benchmark release\n"
                  f"        status: {statuses[i % 4]}\n"
                  f"        owners: [dev{i % 50}@example.org]\n")
EOF
"$stocktake" --db "$work/large.db" --as rm@example.org import "$work/large.yaml" >/dev/null

serve() {  # serve NAME: a server of $work/NAME.db on a free port; its URL in $url_NAME
  local log=$work/serve-$1.log url=""
  "$stocktake" --db "$work/$1.db" serve --listen 127.0.0.1:0 --threads 2 >/dev/null 2>"$log" &
  pids+=($!)
  for _ in $(seq 200); do
    url=$(sed -n 's|^stocktake serve: listening on \(http://[^ ,]*\).*|\1|p' "$log")
    [ -n "$url" ] && break
    sleep 0.05
  done
  [ -n "$url" ] || { echo "bench-serve: the server did not start: $(cat "$log")" >&2; exit 1; }
  printf -v "url_$1" '%s' "${url%/}"
}
serve example
serve large
example=$url_example
large=$url_large

# nginx serves the bytes the server answers, from files, on its own port.
as_of=2013-01-21
reads=("report|$example/api/v1/releases/4.3/report?as_of=$as_of"
  "feature|$example/api/v1/features/pvh-mode-xen-linux?as_of=$as_of"
  "features-page|$large/api/v1/features?release=9.0&limit=100")
mkdir -p "$work/static"
for read in "${reads[@]}"; do
  curl -sf "${read#*|}" >"$work/static/${read%%|*}.json"
done
nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<EOF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/static;
    etag on;
  }
}
EOF
/usr/sbin/nginx -c "$work/nginx.conf" -p "$work" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$nginx_port/report.json" >/dev/null && break; sleep 0.05; done

run() {  # run URL: "requests/s p99-ms" of a wrk run
  wrk -t2 -c"$connections" -d"${duration}s" --latency "$1" >"$work/wrk.txt"
  python3 - "$work/wrk.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
p99 = float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rate:.0f} {p99:.2f} {errors.group(1) if errors else 0}")
EOF
}

echo "serve bench: wrk -t2 -c$connections -d${duration}s on loopback, stocktake serve --threads 2 (Release) against nginx-light serving the same bytes"
for read in "${reads[@]}"; do
  name=${read%%|*}
  bytes=$(wc -c <"$work/static/$name.json")
  read -r ours ours_p99 ours_errors <<<"$(run "${read#*|}")"
  read -r theirs theirs_p99 _ <<<"$(run "http://127.0.0.1:$nginx_port/$name.json")"
  ratio=$(python3 -c "print(f'{$theirs / $ours:.2f}')")
  verdict=$(python3 -c "print('met' if $theirs / $ours < 2 and $ours_p99 < 10 else 'NOT met')")
  printf '%-14s %7d bytes  stocktake %7d req/s p99 %6.2f ms  nginx %7d req/s p99 %6.2f ms  nginx/stocktake %5sx  errors %s  target < 2x, p99 < 10 ms: %s\n' \
    "$name" "$bytes" "$ours" "$ours_p99" "$theirs" "$theirs_p99" "$ratio" "$ours_errors" "$verdict"
done

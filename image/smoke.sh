#!/usr/bin/env bash
# Smoke test of the image tarball: unpacks it into a runc bundle and runs it the way the chart does (read-only root
# file system, a tmpfs on /tmp, a writable data directory, as the image's non-root user), on the host's network with
# the embedded PostgreSQL and Kafka. Passes when /health/ready answers 200, POST /api/v1/auth/register answers 201,
# and SIGTERM stops the server cleanly (exit status 143, "Stopped" logged). Needs root, skopeo, umoci, runc, curl and
# python3.
#
#   image/smoke.sh [image/target/taskflow-image.tar]
#
# TASKFLOW_SMOKE_TIMEOUT (seconds, default 180) bounds the wait for readiness; TASKFLOW_SMOKE_KEEP=1 keeps the work
# directory (bundle, data, log) for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
tar="${1:-image/target/taskflow-image.tar}"
timeout="${TASKFLOW_SMOKE_TIMEOUT:-180}"

say() { echo "smoke: $*"; }
fail() { say "FAILED: $*"; [ -s "${log:-}" ] && { say "container log (last 80 lines):"; tail -n 80 "$log"; }; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (runc with a tmpfs and a bind mount)"
for tool in skopeo umoci runc curl python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing"
done
[ -s "$tar" ] || fail "no image tarball at $tar (image/build.sh builds it)"

id="taskflow-smoke-$$-$RANDOM"
work="$(mktemp -d "${TMPDIR:-/tmp}/taskflow-smoke.XXXXXX")"
log="$work/container.log"
runc_pid=""
cleanup() {
  if runc state "$id" >/dev/null 2>&1; then
    runc kill "$id" KILL >/dev/null 2>&1 || true
    runc delete --force "$id" >/dev/null 2>&1 || true
  fi
  [ -n "$runc_pid" ] && wait "$runc_pid" 2>/dev/null || true
  if [ -n "${TASKFLOW_SMOKE_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

started=$SECONDS
skopeo copy --quiet "docker-archive:$tar" "oci:$work/oci:taskflow"
umoci unpack --image "$work/oci:taskflow" "$work/bundle" >/dev/null
mkdir -p "$work/data"
chown 10001:10001 "$work/data"

# Free ports on the host's loopback for HTTP and management (other builds share this machine).
read -r http_port management_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

# The runtime spec umoci wrote, changed to what the chart asks for, with the host's network.
python3 - "$work/bundle/config.json" "$work/data" "$http_port" "$management_port" "$(ulimit -Hn)" <<'PY'
import json, sys
path, data, http_port, management_port, nofile = sys.argv[1:]
spec = json.load(open(path))
process = spec["process"]
process["terminal"] = False
process["noNewPrivileges"] = True
process["env"] += [f"TASKFLOW_HTTP_PORT={http_port}", f"TASKFLOW_MANAGEMENT_PORT={management_port}",
                   "TASKFLOW_HTTP_HOST=127.0.0.1"]
# as many open files as this shell may have (Kafka and PostgreSQL want more than umoci's 1024)
limit = 1048576 if nofile == "unlimited" else int(nofile)
process["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": limit, "soft": limit}]
spec["root"]["readonly"] = True
spec["hostname"] = "taskflow-smoke"
linux = spec["linux"]
linux["namespaces"] = [ns for ns in linux["namespaces"] if ns["type"] != "network"]
spec["mounts"] = [m for m in spec["mounts"] if m["destination"] not in ("/tmp", "/var/lib/taskflow")] + [
    # like the chart's emptyDir: writable, and the embedded PostgreSQL runs the binaries it unpacks there
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777", "size=1g"]},
    {"destination": "/var/lib/taskflow", "type": "bind", "source": data, "options": ["rbind", "rw"]},
]
json.dump(spec, open(path, "w"), indent=2)
PY
say "bundle ready in $((SECONDS - started)) s; starting container $id (HTTP on 127.0.0.1:$http_port)"

# In the foreground (backgrounded here), so that its exit status is the container's.
runc run --bundle "$work/bundle" "$id" </dev/null >"$log" 2>&1 &
runc_pid=$!

# /health/ready on the management port, or on the HTTP port where no management server answers (yet)
ready() {
  local port
  for port in "$management_port" "$http_port"; do
    [ "$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)" = 200 ] &&
      { ready_port=$port; return 0; }
  done
  return 1
}
ready_started=$SECONDS
until ready; do
  kill -0 "$runc_pid" 2>/dev/null || fail "the container exited before it was ready"
  [ $((SECONDS - ready_started)) -lt "$timeout" ] || fail "/health/ready did not answer 200 within $timeout s"
  sleep 1
done
say "/health/ready 200 (port $ready_port) after $((SECONDS - ready_started)) s"

user="$(runc exec "$id" /usr/bin/id -u)"
[ "$user" = 10001 ] || fail "the server runs as uid $user, not 10001"
if runc exec "$id" /usr/bin/touch /app/written 2>/dev/null; then fail "the root file system is writable"; fi
say "runs as uid 10001 on a read-only root file system"

email="smoke-$id@example.com"
status="$(curl -s --noproxy '*' -o "$work/register.json" -w '%{http_code}' "http://127.0.0.1:$http_port/api/v1/auth/register" \
  -H 'Content-Type: application/json' -d "{\"email\":\"$email\",\"password\":\"correct horse battery\"}" || true)"
[ "$status" = 201 ] || fail "POST /api/v1/auth/register answered ${status:-nothing} (000: no connection): $(cat "$work/register.json" 2>/dev/null)"
grep -q '"token"' "$work/register.json" || fail "the register answer has no token: $(cat "$work/register.json")"
say "POST /api/v1/auth/register 201"

runc kill "$id" TERM
stop_started=$SECONDS
exit_status=0
wait "$runc_pid" || exit_status=$?
runc_pid=""
say "exited with status $exit_status $((SECONDS - stop_started)) s after SIGTERM"
[ "$exit_status" = 143 ] || [ "$exit_status" = 0 ] || fail "exit status $exit_status after SIGTERM"
grep -q 'Stopped' "$log" || fail "no 'Stopped' in the log: the shutdown did not finish"
if grep -E '(^|\s)ERROR(\s|$)' "$log"; then fail "errors in the log"; fi
runc delete "$id" >/dev/null 2>&1 || true
say "passed in $((SECONDS - started)) s"

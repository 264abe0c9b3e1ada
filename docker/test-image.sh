#!/usr/bin/env bash
# Builds docker/Dockerfile.jvm with podman and checks the image the way a host would run it:
# uid 65321, host network, 128 MiB, in front of the IMDS emulator.
#
# Made for CI: run as root on Debian 12 with no Docker engine and no container registry. What
# it needs comes from apt; the base image is made locally with debootstrap when it is missing
# (about a minute the first time, cached under CACHE_DIR after that).
#
# Settings (environment):
#   PROXY_PORT       the proxy's port on the host network (default 8080, the image's)
#   MANAGEMENT_PORT  health on the host network (default 9000, the image's)
#   BASE_IMAGE       the Dockerfile's BASE_IMAGE (default eclipse-temurin:17-jre)
#   IMAGE            the tag given to the built image
#   CACHE_DIR        where the debootstrapped base file system is kept
#   LOAD_REQUESTS    proxied reads before RSS is measured (default 2000)
#   RSS_LIMIT_MIB    the most RSS allowed after that load (default 110)
#
# Prints one line per check and a closing "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."

PROXY_PORT=${PROXY_PORT:-8080}
MANAGEMENT_PORT=${MANAGEMENT_PORT:-9000}
BASE_IMAGE=${BASE_IMAGE:-eclipse-temurin:17-jre}
IMAGE=${IMAGE:-localhost/ec2metadata-proxycache:jvm-test}
CACHE_DIR=${CACHE_DIR:-/var/cache/ec2metadata-proxycache}
LOAD_REQUESTS=${LOAD_REQUESTS:-2000}
RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-110}
PROXY_UID=65321
CONTAINER=ec2metadata-proxycache-test-$$

passed=0
failed=0
emulator_pid=
work_dir=$(mktemp -d)

log() { printf '%s\n' "$*"; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
die() { log "ERROR $*"; exit 2; }

cleanup() {
    local status=$?
    if [ -n "${CONTAINERS_CONF:-}" ] && podman container exists "$CONTAINER" 2>/dev/null; then
        # A container left stopped by a failed check would not die on rm -f.
        kill -CONT "$(podman inspect "$CONTAINER" --format '{{.State.Pid}}')" 2>/dev/null || true
        podman rm -f -t 2 "$CONTAINER" >/dev/null 2>&1 || true
    fi
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_tools() {
    local missing=()
    command -v podman >/dev/null || missing+=(podman)
    command -v buildah >/dev/null || missing+=(buildah)
    command -v runc >/dev/null || missing+=(runc)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    command -v newuidmap >/dev/null || missing+=(uidmap)
    command -v curl >/dev/null || missing+=(curl)
    command -v ss >/dev/null || missing+=(iproute2)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}

# runc rather than crun, and cgroupfs and a file event log, because CI machines run no
# systemd; the ulimits keep the JVM from sizing tables for a million file descriptors.
configure_podman() {
    cat >"$work_dir/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
    export CONTAINERS_CONF="$work_dir/containers.conf"
}

require_free_port() {
    local port=$1 what=$2
    if [ -n "$(ss -Htln "sport = :$port")" ]; then
        die "port $port ($what) is in use on this host; free it or set ${what}=another port"
    fi
}

# Stands in for eclipse-temurin:17-jre, which no registry here can serve: Debian's own Java 17
# runtime in a minimal Debian 12 file system, with java on the PATH like the real image.
make_base_image() {
    if podman image exists "$BASE_IMAGE"; then
        log "base image $BASE_IMAGE is present"
        return
    fi
    local rootfs="$CACHE_DIR/bookworm-openjdk-17-jre"
    if [ ! -x "$rootfs/usr/lib/jvm/java-17-openjdk-amd64/bin/java" ]; then
        log "making the base file system with debootstrap in $rootfs (about a minute)"
        mkdir -p "$CACHE_DIR"
        rm -rf "$rootfs.partial"
        debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm \
            "$rootfs.partial" >"$work_dir/debootstrap.log" 2>&1 \
            || { tail -20 "$work_dir/debootstrap.log"; die "debootstrap failed"; }
        mv "$rootfs.partial" "$rootfs"
    fi
    log "importing $rootfs as $BASE_IMAGE"
    # An imported file system has no PATH of its own; the Dockerfile relies on java being on it.
    local base_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    tar -C "$rootfs" --exclude=./var/cache/apt/archives --exclude=./var/lib/apt/lists -c . \
        | podman import --change "ENV PATH=$base_path" - "$BASE_IMAGE" \
            >"$work_dir/import.log" 2>&1 \
        || { cat "$work_dir/import.log"; die "podman import failed"; }
}

package_application() {
    local emulator=target/classes/io/github/ec2metadata/proxycache/emulator/ImdsEmulator.class
    if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ ! -f "$emulator" ]; then
        log "packaging the application"
        ./mvnw -B -q package -DskipTests
    fi
}

build_image() {
    log "building $IMAGE from docker/Dockerfile.jvm"
    podman build --pull=never --format docker --build-arg "BASE_IMAGE=$BASE_IMAGE" \
        -f docker/Dockerfile.jvm -t "$IMAGE" . >"$work_dir/build.log" 2>&1 \
        || { tail -30 "$work_dir/build.log"; die "podman build failed"; }
}

# The emulator runs on the host, outside the container, as IMDS does; port 0 lets it pick.
start_emulator() {
    java -cp "target/classes:target/quarkus-app/lib/main/*" \
        io.github.ec2metadata.proxycache.emulator.ImdsEmulator --port 0 \
        >"$work_dir/emulator.log" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 100); do
        emulator_url=$(grep -so 'http://127.0.0.1:[0-9]*' "$work_dir/emulator.log" || true)
        [ -n "$emulator_url" ] && break
        if ! kill -0 "$emulator_pid" 2>/dev/null; then
            cat "$work_dir/emulator.log"
            die "emulator died"
        fi
        sleep 0.1
    done
    [ -n "$emulator_url" ] || die "emulator did not start"
    log "IMDS emulator at $emulator_url"
}

# The image's own ports are passed only when they were changed, so that by default the image
# is tested exactly as shipped.
start_proxy() {
    local ports=()
    [ "$PROXY_PORT" = 8080 ] || ports+=(-e "QUARKUS_HTTP_PORT=$PROXY_PORT")
    [ "$MANAGEMENT_PORT" = 9000 ] || ports+=(-e "QUARKUS_MANAGEMENT_PORT=$MANAGEMENT_PORT")
    # CI has no systemd to run health check timers; the checks below run it by hand.
    # Podman still reports, harmlessly, that it found no systemd; that line is left out.
    podman run -d --name "$CONTAINER" --network host -u "$PROXY_UID:$PROXY_UID" -m 128m \
        --health-interval=disable -e "IMDS_UPSTREAM_URL=$emulator_url" "${ports[@]}" \
        "$IMAGE" 2>&1 >/dev/null | { grep -v 'unable to get systemd connection' || true; } >&2
    proxy_pid=$(podman inspect "$CONTAINER" --format '{{.State.Pid}}')
    wait_for_health live 60
    local ready
    ready=$(curl -s "http://127.0.0.1:$MANAGEMENT_PORT/q/health/ready" | tr -d ' \n')
    log "proxy live (java pid $proxy_pid on the host); readiness before any client read:"
    log "     $ready"
}

# Waits until /q/health/$1 answers 200, for at most $2 seconds.
wait_for_health() {
    local check=$1 seconds=$2 i
    for ((i = 0; i < seconds * 2; i++)); do
        if curl -sf -o /dev/null "http://127.0.0.1:$MANAGEMENT_PORT/q/health/$check"; then
            return
        fi
        if [ "$(podman inspect "$CONTAINER" --format '{{.State.Running}}')" != true ]; then
            podman logs "$CONTAINER" 2>&1 | tail -30
            die "proxy container exited"
        fi
        sleep 0.5
    done
    podman logs "$CONTAINER" 2>&1 | grep -v 'Reporting health down' | tail -30
    die "/q/health/$check not UP within $seconds s"
}

check_image_metadata() {
    local health user
    health=$(podman image inspect "$IMAGE" --format '{{json .HealthCheck}}')
    user=$(podman image inspect "$IMAGE" --format '{{.User}}')
    if [[ "$health" == *healthcheck* && "$user" == "$PROXY_UID:$PROXY_UID" ]]; then
        pass "image runs as $user with HEALTHCHECK $health"
    else
        fail "image user '$user', HEALTHCHECK '$health'"
    fi
}

check_runs_as_proxy_uid_within_128m() {
    local uid gid memory
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$proxy_pid/status")
    gid=$(awk '/^Gid:/ { print $2 }' "/proc/$proxy_pid/status")
    memory=$(podman inspect "$CONTAINER" --format '{{.HostConfig.Memory}}')
    if [ "$uid" = "$PROXY_UID" ] && [ "$memory" = 134217728 ]; then
        pass "java runs as uid $uid (gid $gid) in a container limited to" \
            "$((memory / 1048576)) MiB"
    else
        fail "java uid $uid, container memory limit $memory bytes"
    fi
}

# The proxy is ready once it has reached IMDS. Its own start-up probe of IMDS can miss on a
# cold JVM with little CPU; then the first client read is what reaches IMDS, so readiness is
# awaited only after it.
check_proxied_read() {
    local direct proxied
    direct=$(curl -sf "$emulator_url/latest/meta-data/instance-id")
    proxied=$(curl -sf "http://127.0.0.1:$PROXY_PORT/latest/meta-data/instance-id")
    if [ -n "$direct" ] && [ "$proxied" = "$direct" ]; then
        pass "proxied instance-id '$proxied' equals the emulator's"
    else
        fail "proxied instance-id '$proxied', emulator's '$direct'"
    fi
    wait_for_health ready 10
}

# Prints the health check's status and how long it took, in ms.
run_healthcheck() {
    local start end status=0
    start=$(date +%s%N)
    podman healthcheck run "$CONTAINER" >"$work_dir/health.out" 2>&1 || status=$?
    end=$(date +%s%N)
    echo "$status $(((end - start) / 1000000))"
}

check_healthcheck_passes() {
    local status ms
    read -r status ms < <(run_healthcheck)
    if [ "$status" = 0 ]; then
        pass "podman healthcheck run: healthy ($ms ms) $1"
    else
        fail "podman healthcheck run exited $status $1: $(cat "$work_dir/health.out")"
    fi
}

# A stopped proxy still has its listening socket, so the kernel accepts the check's
# connection; only the check's own read deadline can find it wedged.
check_healthcheck_fails_when_stopped() {
    local status ms
    kill -STOP "$proxy_pid"
    read -r status ms < <(run_healthcheck)
    kill -CONT "$proxy_pid"
    if [ "$status" != 0 ] && [ "$ms" -lt 5000 ]; then
        pass "podman healthcheck run: unhealthy while java is stopped ($ms ms, exit $status)"
    else
        fail "healthcheck while java is stopped: exit $status after $ms ms"
    fi
}

# Reads spread over cached paths, eight clients at a time, fifty reads per connection.
check_rss_after_load() {
    local paths=(/latest/meta-data/instance-id /latest/meta-data/ /latest/meta-data/local-ipv4
        /latest/meta-data/placement/availability-zone /latest/dynamic/instance-identity/document
        /latest/meta-data/iam/security-credentials/ /latest/meta-data/spot/instance-action)
    local per_client=50 args=() i
    for ((i = 0; i < per_client; i++)); do
        args+=(-o /dev/null -w '%{http_code}\n'
            "http://127.0.0.1:$PROXY_PORT${paths[i % ${#paths[@]}]}")
    done
    seq $((LOAD_REQUESTS / per_client)) \
        | xargs -P 8 -I{} curl -s "${args[@]}" >"$work_dir/load.codes" || true
    local answered errors
    answered=$(grep -c '^[24]0[04]$' "$work_dir/load.codes" || true)
    errors=$(grep -vc '^[24]0[04]$' "$work_dir/load.codes" || true)
    if [ "$errors" = 0 ] && [ "$answered" -ge "$LOAD_REQUESTS" ]; then
        pass "$answered proxied reads answered 200 or 404"
    else
        fail "$answered reads answered, $errors with another status or none"
    fi
    local rss_kb
    rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$proxy_pid/status")
    if [ "$rss_kb" -le $((RSS_LIMIT_MIB * 1024)) ]; then
        pass "RSS after load: $((rss_kb / 1024)) MiB ($rss_kb kB), at most $RSS_LIMIT_MIB MiB"
    else
        fail "RSS after load: $((rss_kb / 1024)) MiB ($rss_kb kB), more than $RSS_LIMIT_MIB MiB"
    fi
    log "     $(grep -E '^(RssAnon|RssFile|VmHWM)' "/proc/$proxy_pid/status" | tr -s ' \t\n' ' ')"
    report_container_memory_peak
}

# Informational: the container's peak, page cache and health check JVMs included.
report_container_memory_peak() {
    local cgroup peak=
    cgroup=$(podman inspect "$CONTAINER" --format '{{.State.CgroupPath}}')
    for file in "/sys/fs/cgroup/memory$cgroup/memory.max_usage_in_bytes" \
        "/sys/fs/cgroup$cgroup/memory.peak"; do
        [ -r "$file" ] && peak=$(cat "$file") && break
    done
    [ -n "$peak" ] && log "     container memory peak (cgroup): $((peak / 1048576)) MiB"
    return 0
}

[ "$(id -u)" = 0 ] || die "run as root (podman builds and runs rootful here)"
install_tools
configure_podman
require_free_port "$PROXY_PORT" PROXY_PORT
require_free_port "$MANAGEMENT_PORT" MANAGEMENT_PORT
make_base_image
package_application
build_image
start_emulator
start_proxy

check_image_metadata
check_runs_as_proxy_uid_within_128m
check_proxied_read
check_healthcheck_passes "after start"
check_healthcheck_fails_when_stopped
check_healthcheck_passes "after the process was resumed"
check_rss_after_load
check_healthcheck_passes "after load"

log "$passed passed, $failed failed"
[ "$failed" = 0 ]

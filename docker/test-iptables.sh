#!/usr/bin/env bash
# Tests docker/iptables.sh in network namespaces made for the test, with the IMDS emulator
# standing in for the proxy. Run as root.
#
# Nothing leaves the namespaces: the host's own network stack is not touched. Inside them:
#   host       the emulator on PORT; 169.254.0.0/16 is routed to a sink namespace that never
#              answers, so a packet the rule does not rewrite goes nowhere
#   container  behind a veth pair, default route via the host namespace
#   pod        behind another veth pair, for the --bridge mode
# Every request to 169.254.169.254 is made only after the rule that rewrites it is in place;
# the one request that is meant to stay unrewritten (the proxy's own uid) dies in the sink.
#
# Prints one line per check and a closing "N passed, N failed"; exits non-zero on failure.
set -euo pipefail

cd "$(dirname "$0")/.."

PORT=${PORT:-8080}
PROXY_UID=65321
IMDS=169.254.169.254
# Documentation addresses (RFC 5737), used only inside the test's own namespaces.
HOST_TO_CONTAINER=198.51.100.1
CONTAINER_ADDRESS=198.51.100.2
HOST_TO_POD=198.51.100.5
POD_ADDRESS=198.51.100.6

prefix=imdsproxy-$$
host_ns=$prefix-host
container_ns=$prefix-container
pod_ns=$prefix-pod
sink_ns=$prefix-sink
script=$PWD/docker/iptables.sh
passed=0
failed=0
emulator_pid=
work_dir=$(mktemp -d)

log() { printf '%s\n' "$*"; }
pass() { passed=$((passed + 1)); log "PASS $*"; }
fail() { failed=$((failed + 1)); log "FAIL $*"; }
die() { log "ERROR $*"; exit 2; }

in_host() { ip netns exec "$host_ns" "$@"; }
in_container() { ip netns exec "$container_ns" "$@"; }
in_pod() { ip netns exec "$pod_ns" "$@"; }
in_sink() { ip netns exec "$sink_ns" "$@"; }

cleanup() {
    local status=$?
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    local ns
    for ns in "$pod_ns" "$container_ns" "$host_ns" "$sink_ns"; do
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$work_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_tools() {
    local missing=()
    command -v ip >/dev/null || missing+=(iproute2)
    command -v iptables >/dev/null || missing+=(iptables)
    command -v curl >/dev/null || missing+=(curl)
    command -v setpriv >/dev/null || missing+=(util-linux)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
    local emulator=target/classes/io/github/ec2metadata/proxycache/emulator/ImdsEmulator.class
    if [ ! -f "$emulator" ] || [ ! -d target/quarkus-app/lib/main ]; then
        log "packaging the application (for the emulator)"
        ./mvnw -B -q package -DskipTests
    fi
}

make_namespaces() {
    ip netns add "$host_ns"
    ip netns add "$container_ns"
    ip netns add "$pod_ns"
    ip netns add "$sink_ns"
    in_host ip link set lo up
    in_container ip link set lo up
    in_pod ip link set lo up

    # The route to IMDS: a veth whose far end, in the sink namespace, has no address, so ARP
    # for 169.254.169.254 is never answered and an unrewritten packet is never sent.
    in_host ip link add imds0 type veth peer name imds0-peer
    in_host ip link set imds0-peer netns "$sink_ns"
    in_sink ip link set imds0-peer up
    in_host ip addr add 169.254.0.1/16 dev imds0
    in_host ip link set imds0 up

    in_host ip link add veth-c type veth peer name veth-c-peer
    in_host ip link set veth-c-peer netns "$container_ns"
    in_host ip addr add "$HOST_TO_CONTAINER/30" dev veth-c
    in_host ip link set veth-c up
    in_container ip addr add "$CONTAINER_ADDRESS/30" dev veth-c-peer
    in_container ip link set veth-c-peer up
    in_container ip route add default via "$HOST_TO_CONTAINER"

    in_host ip link add veth-p type veth peer name veth-p-peer
    in_host ip link set veth-p-peer netns "$pod_ns"
    in_host ip addr add "$HOST_TO_POD/30" dev veth-p
    in_host ip link set veth-p up
    in_pod ip addr add "$POD_ADDRESS/30" dev veth-p-peer
    in_pod ip link set veth-p-peer up
    in_pod ip route add default via "$HOST_TO_POD"
}

start_emulator() {
    ip netns exec "$host_ns" java -cp "target/classes:target/quarkus-app/lib/main/*" \
        io.github.ec2metadata.proxycache.emulator.ImdsEmulator --host 0.0.0.0 --port "$PORT" \
        >"$work_dir/emulator.log" 2>&1 &
    emulator_pid=$!
    for _ in $(seq 100); do
        grep -qs 'listening' "$work_dir/emulator.log" && break
        if ! kill -0 "$emulator_pid" 2>/dev/null; then
            cat "$work_dir/emulator.log"
            die "emulator died"
        fi
        sleep 0.1
    done
    expected=$(in_host curl -sf "http://127.0.0.1:$PORT/latest/meta-data/instance-id") \
        || die "emulator does not answer in the host namespace"
    log "emulator in $host_ns on port $PORT answers instance-id $expected"
}

# Counts this script's rules in a chain of a namespace's nat table.
count_rules() {
    local ns=$1 chain=$2
    ip netns exec "$ns" iptables -t nat -S "$chain" | grep -c 'ec2metadata-proxycache' || true
}

read_imds() {
    "$@" curl -s --max-time 2 "http://$IMDS/latest/meta-data/instance-id" || true
}

test_host_mode() {
    in_host "$script" install --port "$PORT" --uid "$PROXY_UID" >/dev/null
    in_host "$script" install --port "$PORT" --uid "$PROXY_UID" >/dev/null
    local rules
    rules=$(count_rules "$host_ns" OUTPUT)
    if [ "$rules" = 1 ]; then
        pass "host: installed twice, one rule in nat OUTPUT"
    else
        fail "host: $rules rules in nat OUTPUT after two installs"
    fi

    local answer localnet
    answer=$(read_imds in_host)
    localnet=$(in_host sysctl -n net.ipv4.conf.all.route_localnet)
    if [ "$answer" = "$expected" ]; then
        pass "host: root reads $IMDS and gets the proxy's answer '$answer'" \
            "(route_localnet=$localnet)"
    else
        fail "host: root read '$answer', expected '$expected'"
    fi

    # The direct read shows that uid PROXY_UID can reach the emulator at all, so that an empty
    # answer through 169.254.169.254 means "not redirected", not "could not run".
    local as_proxy=(setpriv --reuid "$PROXY_UID" --regid "$PROXY_UID" --clear-groups)
    local direct
    direct=$(in_host "${as_proxy[@]}" curl -s --max-time 2 \
        "http://127.0.0.1:$PORT/latest/meta-data/instance-id" || true)
    answer=$(read_imds in_host "${as_proxy[@]}")
    if [ "$direct" = "$expected" ] && [ -z "$answer" ]; then
        pass "host: uid $PROXY_UID is not redirected (its request went to IMDS's route)"
    else
        fail "host: uid $PROXY_UID read '$answer' via $IMDS and '$direct' directly"
    fi

    answer=$(read_imds in_host setpriv --reuid 1000 --regid 1000 --clear-groups)
    if [ "$answer" = "$expected" ]; then
        pass "host: uid 1000 gets the proxy's answer"
    else
        fail "host: uid 1000 read '$answer'"
    fi
}

test_remove_keeps_other_rules() {
    # Another rule for IMDS, as an operator might have: remove must leave it alone.
    in_host iptables -t nat -A OUTPUT -d "$IMDS/32" -p tcp --dport 80 \
        -m owner --uid-owner 4242 -j DNAT --to-destination "127.0.0.1:$PORT"
    in_host "$script" remove --port "$PORT" --uid "$PROXY_UID" >/dev/null
    local ours others second
    ours=$(count_rules "$host_ns" OUTPUT)
    others=$(in_host iptables -t nat -S OUTPUT | grep -c 'uid-owner 4242' || true)
    second=$(in_host "$script" remove --port "$PORT" --uid "$PROXY_UID")
    if [ "$ours" = 0 ] && [ "$others" = 1 ] && [[ "$second" == *"removed 0 rule"* ]]; then
        pass "host: remove took out its own rule only, and a second remove did nothing"
    else
        fail "host: after remove $ours own and $others other rules; second remove: $second"
    fi
    in_host iptables -t nat -D OUTPUT -d "$IMDS/32" -p tcp --dport 80 \
        -m owner --uid-owner 4242 -j DNAT --to-destination "127.0.0.1:$PORT"
}

test_container_mode() {
    in_container "$script" install --container --port "$PORT" >/dev/null
    in_container "$script" install --container --port "$PORT" >/dev/null
    local rules answer
    rules=$(count_rules "$container_ns" OUTPUT)
    answer=$(read_imds in_container)
    if [ "$rules" = 1 ] && [ "$answer" = "$expected" ]; then
        pass "container: one rule after two installs; reads reach the host at" \
            "$HOST_TO_CONTAINER:$PORT"
    else
        fail "container: $rules rules, read '$answer'"
    fi
    in_container "$script" remove --container --port "$PORT" >/dev/null
    rules=$(count_rules "$container_ns" OUTPUT)
    if [ "$rules" = 0 ]; then
        pass "container: remove took the rule out"
    else
        fail "container: $rules rules after remove"
    fi
}

test_bridge_mode() {
    in_host "$script" install --bridge veth-p --port "$PORT" >/dev/null
    in_host "$script" install --bridge veth-p --port "$PORT" >/dev/null
    local rules answer
    rules=$(count_rules "$host_ns" PREROUTING)
    answer=$(read_imds in_pod)
    if [ "$rules" = 1 ] && [ "$answer" = "$expected" ]; then
        pass "bridge: one rule after two installs; a pod with no rule of its own reaches" \
            "the host at $HOST_TO_POD:$PORT"
    else
        fail "bridge: $rules rules, pod read '$answer'"
    fi
    in_host "$script" remove --bridge veth-p --port "$PORT" >/dev/null
    rules=$(count_rules "$host_ns" PREROUTING)
    if [ "$rules" = 0 ]; then
        pass "bridge: remove took the rule out"
    else
        fail "bridge: $rules rules after remove"
    fi
}

[ "$(id -u)" = 0 ] || die "run as root (it makes network namespaces)"
install_tools
make_namespaces
start_emulator

test_host_mode
test_remove_keeps_other_rules
test_container_mode
test_bridge_mode

log "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/sh
# Sends IMDS traffic (tcp to 169.254.169.254:80) to the proxy with one iptables nat rule, or
# takes that rule away again. Safe to run any number of times: install adds the rule only when
# it is missing, remove deletes only a rule exactly like the one install adds.
#
#   iptables.sh install|remove [--port PORT] [--uid UID]
#   iptables.sh install|remove --container [--port PORT]
#   iptables.sh install|remove --bridge IFACE [--to ADDRESS] [--port PORT]
#
# Modes:
#   (default)    on the host, where the proxy runs with host networking: traffic made on the
#                host by any uid but the proxy's goes to 127.0.0.1:PORT. The proxy's own
#                requests (uid UID) still reach IMDS, so it never asks itself.
#   --container  inside a container behind a bridge: traffic goes to the default gateway
#                (the host's address on the bridge) at PORT.
#   --bridge     on the host, for containers or pods behind IFACE (docker0, cni0, or a
#                wildcard such as eni+): their traffic goes to ADDRESS:PORT, by default the
#                first IPv4 address of IFACE, so nothing has to change inside them.
#
# remove takes the same options as install: it deletes the rule they describe.
#
# Environment: IPTABLES names the iptables command (default iptables; iptables-legacy on hosts
# whose Docker or kube-proxy use the legacy tables).
set -eu

IMDS_ADDRESS=169.254.169.254
IMDS_PORT=80
RULE_COMMENT=ec2metadata-proxycache
IPTABLES=${IPTABLES:-iptables}

usage() {
    grep '^#   iptables.sh' "$0" | sed 's/^#   /usage: /' >&2
    exit 2
}

fail() {
    echo "iptables.sh: $*" >&2
    exit 1
}

action=${1:-}
[ "$action" = install ] || [ "$action" = remove ] || usage
shift

mode=host
port=8080
uid=65321
bridge=
to=
while [ $# -gt 0 ]; do
    case "$1" in
        --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
        --uid) [ $# -ge 2 ] || usage; uid=$2; shift 2 ;;
        --container) mode=container; shift ;;
        --bridge) [ $# -ge 2 ] || usage; mode=bridge; bridge=$2; shift 2 ;;
        --to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
        *) usage ;;
    esac
done

case "$port" in
    ''|*[!0-9]*) fail "--port must be a number, was '$port'" ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    fail "--port must be 1 to 65535, was $port"
fi
case "$uid" in
    ''|*[!0-9]*) fail "--uid must be a numeric uid, was '$uid'" ;;
esac

default_gateway() {
    ip -4 route show default | awk '/^default/ { print $3; exit }'
}

first_address_of() {
    ip -4 -o addr show dev "$1" 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }'
}

# The rule as iptables arguments after the table and the -A/-C/-D verb.
case "$mode" in
    host)
        # DNAT to loopback works here without net.ipv4.conf.*.route_localnet, because the
        # traffic is made on this host and never arrives on an interface.
        set -- OUTPUT -d "$IMDS_ADDRESS/32" -p tcp --dport "$IMDS_PORT" \
            -m owner ! --uid-owner "$uid" \
            -m comment --comment "$RULE_COMMENT" \
            -j DNAT --to-destination "127.0.0.1:$port"
        ;;
    container)
        gateway=$(default_gateway)
        [ -n "$gateway" ] || fail "no IPv4 default route, so no host to send IMDS traffic to"
        set -- OUTPUT -d "$IMDS_ADDRESS/32" -p tcp --dport "$IMDS_PORT" \
            -m comment --comment "$RULE_COMMENT" \
            -j DNAT --to-destination "$gateway:$port"
        ;;
    bridge)
        # Not 127.0.0.1: traffic that arrives on an interface may only be sent to loopback
        # with route_localnet, which would open every loopback service to that interface.
        [ -n "$to" ] || to=$(first_address_of "$bridge")
        [ -n "$to" ] || fail "$bridge has no IPv4 address; give the host's address with --to"
        set -- PREROUTING -i "$bridge" -d "$IMDS_ADDRESS/32" -p tcp --dport "$IMDS_PORT" \
            -m comment --comment "$RULE_COMMENT" \
            -j DNAT --to-destination "$to:$port"
        ;;
esac

chain=$1
shift

# -w waits for the xtables lock that Docker and kube-proxy also take. iptables -C exits 1 when
# the rule is absent; anything else (no permission, no nat table) must not pass for "absent",
# or remove would report success while the rule stays.
has_rule() {
    status=0
    output=$("$IPTABLES" -w -t nat -C "$chain" "$@" 2>&1) || status=$?
    case "$status" in
        0) return 0 ;;
        1) return 1 ;;
        *) fail "cannot read nat $chain with $IPTABLES (exit $status): $output" ;;
    esac
}

case "$action" in
    install)
        if has_rule "$@"; then
            echo "iptables.sh: rule already in nat $chain: $*"
        else
            "$IPTABLES" -w -t nat -A "$chain" "$@"
            echo "iptables.sh: added to nat $chain: $*"
        fi
        ;;
    remove)
        removed=0
        # Loops in case an older, less careful install left the same rule twice.
        while has_rule "$@"; do
            "$IPTABLES" -w -t nat -D "$chain" "$@"
            removed=$((removed + 1))
        done
        echo "iptables.sh: removed $removed rule(s) from nat $chain: $*"
        ;;
esac

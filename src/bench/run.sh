#!/usr/bin/env bash
# Benchmarks the packaged proxy against the nginx image it replaces (the anchor), on loopback,
# in one run: same machine, same IMDS emulator behind both, same load, rounds alternating
# between the two, results as ratios. It reports; it never fails on a number.
#
# Usage: bash src/bench/run.sh
# Settings (environment):
#   BENCH_ROUNDS=3            rounds; each runs every workload on both targets
#   BENCH_DURATION=10         seconds per measured wrk run
#   BENCH_WARMUP=2            seconds of unmeasured wrk load before each measured run (JIT)
#   BENCH_CONNECTIONS=64      wrk connections
#   BENCH_THREADS=2           wrk threads
#   BENCH_STORM_CLIENTS=200   clients of the cold storm
#   BENCH_WORKLOADS="1 2 3 4" which workloads to run
#   BENCH_PROXY_OPTS=         extra JVM options for the proxy, e.g. -Dquarkus.http.io-threads=1
#   BENCH_JFR=                a name: record each proxy start with Java Flight Recorder into
#                             BENCH_OUT/NAME-N.jfr (summarise with jfr-top.py)
#   BENCH_OUT=target/bench    where results.jsonl and the logs go
#   ANCHOR_DIR=../shared/anchor   the nginx anchor (run-nginx.sh)
set -euo pipefail

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$bench_dir/../.." && pwd)
anchor_dir=${ANCHOR_DIR:-$repo/../shared/anchor}

rounds=${BENCH_ROUNDS:-3}
duration=${BENCH_DURATION:-10}
warmup=${BENCH_WARMUP:-2}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
storm_clients=${BENCH_STORM_CLIENTS:-200}
workloads=${BENCH_WORKLOADS:-1 2 3 4}
proxy_extra_opts=${BENCH_PROXY_OPTS:-}
jfr_file=${BENCH_JFR:-}
out=${BENCH_OUT:-$repo/target/bench}

# The container image's JVM options, used when docker/Dockerfile.jvm does not say otherwise.
image_java_opts_default="-Xmx64m -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m \
-XX:ReservedCodeCacheSize=32m"

# Every wait below is a bounded loop of this many 0.25 s polls.
max_polls=240

die() {
    echo "bench: $*" >&2
    exit 1
}

check_whole_number() {
    local name=$1 value=$2 low=$3 high=$4
    [[ $value =~ ^[0-9]+$ ]] && ((value >= low && value <= high)) \
        || die "$name must be a whole number from $low to $high, was '$value'"
}

check_settings() {
    check_whole_number BENCH_ROUNDS "$rounds" 1 20
    check_whole_number BENCH_DURATION "$duration" 1 300
    check_whole_number BENCH_WARMUP "$warmup" 0 60
    check_whole_number BENCH_CONNECTIONS "$connections" 1 10000
    check_whole_number BENCH_THREADS "$threads" 1 64
    check_whole_number BENCH_STORM_CLIENTS "$storm_clients" 1 2000
    local workload
    for workload in $workloads; do
        [[ $workload =~ ^[1-4]$ ]] || die "BENCH_WORKLOADS takes 1 to 4, was '$workloads'"
    done
    [[ -x $anchor_dir/run-nginx.sh ]] || die "the nginx anchor is missing: no executable" \
        "$anchor_dir/run-nginx.sh (set ANCHOR_DIR to the folder that holds it)"
}

install_tools() {
    local missing=() tool
    command -v python3 > /dev/null || die "python3 is needed (storm client, summary)"
    for tool in nginx wrk; do
        command -v "$tool" > /dev/null || missing+=("$tool")
    done
    ((${#missing[@]} == 0)) && return
    echo "bench: installing ${missing[*]}"
    apt-get install -y "${missing[@]}" > "$out/apt.log" 2>&1 || {
        apt-get update > "$out/apt.log" 2>&1
        apt-get install -y "${missing[@]}" >> "$out/apt.log" 2>&1
    } || die "could not install ${missing[*]}; see $out/apt.log"
}

build_if_needed() {
    if [[ -f $repo/target/quarkus-app/quarkus-run.jar && -d $repo/target/classes ]]; then
        return
    fi
    echo "bench: building the proxy"
    (cd "$repo" && ./mvnw -B package -DskipTests) > "$out/build.log" 2>&1 \
        || die "the build failed; see $out/build.log"
}

# The JVM options of docker/Dockerfile.jvm: the options in its ENTRYPOINT before "-jar".
image_java_opts() {
    local dockerfile=$repo/docker/Dockerfile.jvm
    if [[ ! -f $dockerfile ]]; then
        echo "$image_java_opts_default"
        return
    fi
    python3 - "$dockerfile" <<'PYTHON'
import json, re, sys
text = re.sub(r"\\\n", " ", open(sys.argv[1], encoding="utf-8").read())
for line in text.splitlines():
    words = line.strip().split(None, 1)
    if len(words) == 2 and words[0].upper() == "ENTRYPOINT":
        command = json.loads(words[1])
        options = command[1:command.index("-jar")]
        print(" ".join(options))
        sys.exit(0)
sys.exit("bench: docker/Dockerfile.jvm has no ENTRYPOINT in exec form")
PYTHON
}

free_ports() {
    python3 - "$1" <<'PYTHON'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
PYTHON
}

port_open() {
    (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# Polls a command until it succeeds, at most $max_polls times; fails naming what it waited for.
wait_until() {
    local what=$1 i
    shift
    for ((i = 0; i < max_polls; i++)); do
        check_alive
        "$@" 2> /dev/null && return 0
        sleep 0.25
    done
    die "gave up waiting for $what"
}

# Stops one process this script started, named by the variable that holds its pid (which is then
# emptied): TERM, a bounded wait, then KILL.
stop_process() {
    local variable=$1 pid i
    pid=${!variable}
    printf -v "$variable" ''
    [[ -n $pid ]] && kill -0 "$pid" 2> /dev/null || return 0
    kill -TERM "$pid" 2> /dev/null || true
    for ((i = 0; i < 40; i++)); do
        kill -0 "$pid" 2> /dev/null || break
        sleep 0.25
    done
    kill -KILL "$pid" 2> /dev/null || true
    wait "$pid" 2> /dev/null || true
}

emulator_pid= proxy_pid= nginx_pid= nginx_dir=
cleanup() {
    stop_process proxy_pid
    stop_process nginx_pid
    stop_process emulator_pid
    [[ -n $nginx_dir && -d $nginx_dir ]] && rm -rf "$nginx_dir"
    return 0
}

start_emulator() {
    java -Xmx256m -XX:+UseSerialGC \
        -cp "$repo/target/classes:$repo/target/quarkus-app/lib/main/*" \
        io.github.ec2metadata.proxycache.emulator.ImdsEmulator --port "$emulator_port" \
        > "$out/logs/emulator.log" 2>&1 &
    emulator_pid=$!
    wait_until "the IMDS emulator" \
        curl -fsS -o /dev/null "http://127.0.0.1:$emulator_port/emulator/requests"
}

# What the emulator was asked, by method, path and token, into a log file.
save_emulator_requests() {
    curl -fsS --max-time 5 "http://127.0.0.1:$emulator_port/emulator/requests" > "$1"
}

emulator_total() {
    curl -fsS --max-time 5 "http://127.0.0.1:$emulator_port/emulator/requests" \
        | python3 -c 'import json, sys; print(json.load(sys.stdin)["total"])'
}

reset_emulator() {
    curl -fsS --max-time 5 -X POST -o /dev/null "http://127.0.0.1:$emulator_port/emulator/reset"
}

proxy_ready() {
    curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$management_port/q/health/ready"
}

start_proxy() {
    local jfr_opts=()
    if [[ -n $jfr_file ]]; then
        proxy_starts=$((proxy_starts + 1))
        local recording=$out/${jfr_file%.jfr}-$proxy_starts.jfr
        local settings=settings=profile,dumponexit=true
        jfr_opts=("-XX:StartFlightRecording=filename=$recording,$settings")
    fi
    # shellcheck disable=SC2086 # the option strings are lists of words
    java $java_opts $proxy_extra_opts "${jfr_opts[@]}" \
        -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$proxy_port" \
        -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$management_port" \
        -Dimds.upstream.url="http://127.0.0.1:$emulator_port" \
        -jar "$repo/target/quarkus-app/quarkus-run.jar" >> "$out/logs/proxy.log" 2>&1 &
    proxy_pid=$!
    wait_until "the proxy to be ready" proxy_ready
}

# nginx with an empty cache: the anchor keeps errors for ten minutes, so each start is clean.
restart_nginx() {
    stop_process nginx_pid
    rm -rf "$nginx_dir/cache"
    "$anchor_dir/run-nginx.sh" "$nginx_port" "$emulator_port" "$nginx_dir" \
        >> "$out/logs/nginx.log" 2>&1 &
    nginx_pid=$!
    wait_until "nginx" port_open "$nginx_port"
}

rss_kib() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2> /dev/null || echo 0
}

# nginx is a master and its worker(s); their resident sets are added.
nginx_rss_kib() {
    local total pid
    total=$(rss_kib "$nginx_pid")
    for pid in $(pgrep -P "$nginx_pid" || true); do
        total=$((total + $(rss_kib "$pid")))
    done
    echo "$total"
}

# Stops the run, naming the process, when one this script started has gone away meanwhile.
check_alive() {
    local name variable pid
    for name in emulator proxy nginx; do
        variable=${name}_pid
        pid=${!variable}
        [[ -z $pid ]] || kill -0 "$pid" 2> /dev/null \
            || die "the $name (pid $pid) has exited; see $out/logs/$name.log"
    done
}

# The proxy's memory as the JVM sees it, when it runs with -XX:NativeMemoryTracking.
save_native_memory() {
    [[ "$java_opts $proxy_extra_opts" == *NativeMemoryTracking=* ]] || return 0
    jcmd "$proxy_pid" VM.native_memory summary > "$1" 2>&1 || true
}

# CPU time in clock ticks, as "busy total ours": the machine's busy and total time from
# /proc/stat, and what this script's own processes used: the servers it started and the children
# it has waited for (wrk, curl, python). The difference tells how much other work disturbed a run.
cpu_ticks() {
    local pid ours=0 pids=("$emulator_pid" "$proxy_pid" "$nginx_pid")
    [[ -z $nginx_pid ]] || pids+=($(pgrep -P "$nginx_pid" || true))
    for pid in "${pids[@]}"; do
        [[ -n $pid ]] || continue
        ours=$((ours + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2> /dev/null || echo 0)))
    done
    ours=$((ours + $(awk '{ print $16 + $17 }' "/proc/$$/stat")))
    echo "$(awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' \
        /proc/stat) $ours"
}

# The JSON of the CPU time used between two cpu_ticks samples.
cpu_used() {
    local busy0 total0 ours0 busy1 total1 ours1
    read -r busy0 total0 ours0 <<< "$1"
    read -r busy1 total1 ours1 <<< "$2"
    echo "{\"busy\":$((busy1 - busy0)),\"total\":$((total1 - total0)),\"ours\":$((ours1 - ours0))}"
}

target_port() {
    if [[ $1 == proxy ]]; then echo "$proxy_port"; else echo "$nginx_port"; fi
}

new_token() {
    curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' \
        "http://127.0.0.1:$(target_port "$1")/latest/api/token"
}

# Reads each path once so that the measured run sees cache hits; reports answers that are not 200.
warm_up_reads() {
    local target=$1 token=$2 paths_file=$3 path status headers=()
    [[ -n $token ]] && headers=(-H "X-aws-ec2-metadata-token: $token")
    while read -r path; do
        [[ -n $path ]] || continue
        status=$(curl -s -o /dev/null --max-time 5 -w '%{http_code}' "${headers[@]}" \
            "http://127.0.0.1:$(target_port "$target")$path" || true)
        [[ $status == 200 ]] || echo "bench: warm-up read of $path on $target answered $status"
    done < "$paths_file"
}

record() {
    echo "$1" >> "$out/results.jsonl"
}

# wrk against one target, unmeasured warm-up first; records the result line and upstream delta.
measure_wrk() {
    local round=$1 workload=$2 target=$3 script=$4 path=$5
    shift 5
    local url log before after result cpu_before cpu
    check_alive
    url="http://127.0.0.1:$(target_port "$target")$path"
    log="$out/logs/round$round-workload$workload-$target.txt"
    if ((warmup > 0)); then
        timeout $((warmup + 30)) wrk -t"$threads" -c"$connections" -d"${warmup}s" \
            --timeout 5s -s "$bench_dir/$script" "$url" -- "$@" > "$log.warmup" 2>&1 || true
    fi
    before=$(emulator_total)
    cpu_before=$(cpu_ticks)
    timeout $((duration + 30)) wrk -t"$threads" -c"$connections" -d"${duration}s" \
        --timeout 5s -s "$bench_dir/$script" "$url" -- "$@" > "$log" 2>&1 \
        || die "wrk failed on $target, workload $workload; see $log"
    cpu=$(cpu_used "$cpu_before" "$(cpu_ticks)")
    after=$(emulator_total)
    result=$(sed -n 's/^BENCH-JSON //p' "$log")
    [[ -n $result ]] || die "wrk printed no result; see $log"
    record "{\"round\":$round,\"workload\":$workload,\"target\":\"$target\",\
\"upstream\":$((after - before)),\"cpu\":$cpu,\"result\":$result}"
    echo "bench: round $round, workload $workload, $target: $result"
}

workload_on() {
    local round=$1 workload=$2 target=$3 token
    case $workload in
        1)
            warm_up_reads "$target" "" <(echo /latest/meta-data/instance-id)
            measure_wrk "$round" 1 "$target" one-path.lua /latest/meta-data/instance-id
            ;;
        2)
            warm_up_reads "$target" "" "$bench_dir/tree-paths.txt"
            measure_wrk "$round" 2 "$target" tree.lua / "$bench_dir/tree-paths.txt"
            ;;
        3)
            token=$(new_token "$target") || die "no session token from $target"
            warm_up_reads "$target" "$token" "$bench_dir/sdk-reads.txt"
            measure_wrk "$round" 3 "$target" sdk-start.lua / "$bench_dir/sdk-reads.txt" "$token"
            ;;
    esac
}

storm_on() {
    local round=$1 target=$2 before after log result cpu_before cpu
    log="$out/logs/round$round-workload4-$target.txt"
    check_alive
    before=$(emulator_total)
    cpu_before=$(cpu_ticks)
    timeout 120 python3 "$bench_dir/storm.py" --port "$(target_port "$target")" \
        --clients "$storm_clients" --reads "$bench_dir/sdk-reads.txt" > "$log" 2>&1 \
        || die "the storm client failed on $target; see $log"
    cpu=$(cpu_used "$cpu_before" "$(cpu_ticks)")
    after=$(emulator_total)
    save_emulator_requests "$out/logs/round$round-upstream-after-storm-$target.json"
    result=$(sed -n 's/^BENCH-JSON //p' "$log")
    record "{\"round\":$round,\"workload\":4,\"target\":\"$target\",\
\"upstream\":$((after - before)),\"cpu\":$cpu,\"result\":$result}"
    echo "bench: round $round, workload 4, $target: upstream $((after - before)), $result"
}

# Workload 4 on both targets from cold: fresh proxy, nginx with an empty cache, counters zeroed.
cold_storms() {
    local round=$1 order=$2 target startup
    stop_process proxy_pid
    stop_process nginx_pid
    reset_emulator
    start_proxy
    restart_nginx
    startup=$(emulator_total)
    save_emulator_requests "$out/logs/round$round-upstream-at-start.json"
    record "{\"round\":$round,\"kind\":\"startup_upstream\",\"target\":\"proxy\",\
\"upstream\":$startup}"
    for target in $order; do
        storm_on "$round" "$target"
    done
    save_native_memory "$out/logs/round$round-native-memory-after-storm.txt"
    record "{\"round\":$round,\"kind\":\"rss\",\"when\":\"after the storm\",\
\"proxy_kib\":$(rss_kib "$proxy_pid"),\"nginx_kib\":$(nginx_rss_kib)}"
    # What the storm left in nginx's cache (its 502s, for ten minutes) would be served in the
    # hit workloads: they measure hits, so nginx starts them clean.
    restart_nginx
}

print_machine() {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "command: $command_line"
    echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
        "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) memory"
    echo "java: $(java -version 2>&1 | head -1); $(nginx -v 2>&1); $(wrk -v 2>&1 | head -1)"
    echo "proxy JVM options: $java_opts $proxy_extra_opts"
    echo "load: wrk -t$threads -c$connections, ${duration}s runs after ${warmup}s warm-up;" \
        "storm of $storm_clients clients; $rounds rounds"
    echo "note: the load generator and the servers share the $(nproc) cores; nothing is pinned."
}

main() {
    local settings
    settings=$(env | grep -E '^(BENCH_|ANCHOR_DIR=)' | sort | tr '\n' ' ' || true)
    command_line="${settings}bash src/bench/run.sh"
    check_settings
    mkdir -p "$out/logs"
    rm -f "$out/results.jsonl" "$out"/logs/*
    install_tools
    build_if_needed
    java_opts=$(image_java_opts)
    proxy_starts=0

    read -r emulator_port proxy_port management_port nginx_port <<< "$(free_ports 4)"
    nginx_dir=$(mktemp -d)
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    print_machine | tee "$out/machine.txt"

    start_emulator
    local round order workload target
    for ((round = 1; round <= rounds; round++)); do
        # Which target goes first changes every round, so neither always runs on a warmer box.
        if ((round % 2)); then order="proxy nginx"; else order="nginx proxy"; fi
        if [[ " $workloads " == *" 4 "* ]]; then
            cold_storms "$round" "$order"
        elif [[ -z $proxy_pid ]]; then
            start_proxy
            restart_nginx
        fi
        for workload in 1 2 3; do
            [[ " $workloads " == *" $workload "* ]] || continue
            for target in $order; do
                workload_on "$round" "$workload" "$target"
            done
        done
        save_native_memory "$out/logs/round$round-native-memory-end.txt"
        record "{\"round\":$round,\"kind\":\"rss\",\"when\":\"end of round\",\
\"proxy_kib\":$(rss_kib "$proxy_pid"),\"nginx_kib\":$(nginx_rss_kib)}"
    done

    echo
    python3 "$bench_dir/summarize.py" "$out/results.jsonl" | tee "$out/summary.md"
}

main "$@"

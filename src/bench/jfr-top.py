#!/usr/bin/env python3
"""Summarises a Java Flight Recorder file of the proxy: where CPU samples land, what is
allocated and where, and what garbage collection cost.

Usage: jfr-top.py RECORDING.jfr [REQUESTS | LOG_DIR]
With the number of requests served while recording, or the logs folder of run.sh to count them
from (every wrk and storm run against the proxy, warm-ups included), allocation is also given
per request. The allocation samples of JFR are weighted estimates, not exact byte counts.
"""

import collections
import json
import pathlib
import subprocess
import sys

# Inclusive shares are reported for these groups of frames, in this order of precedence for the
# "owner" of a sample (the first group met walking from the top of the stack).
GROUPS = [
    ("proxy code", ("io.github.ec2metadata.",)),
    ("caffeine", ("com.github.benmanes.caffeine.",)),
    ("vert.x web/http", ("io.vertx.ext.web.", "io.vertx.core.http.", "io.quarkus.vertx.")),
    ("netty", ("io.netty.",)),
    ("mutiny/smallrye", ("io.smallrye.",)),
    ("jdk", ("java.", "jdk.", "sun.")),
]

TOP = 15


def events(recording, name):
    printed = subprocess.run(["jfr", "print", "--json", "--events", name, recording],
                             check=True, capture_output=True, text=True).stdout
    return json.loads(printed)["recording"]["events"]


def frame_name(frame):
    method = frame["method"]
    return f"{method['type']['name'].replace('/', '.')}.{method['name']}"


def frames_of(event):
    trace = event["values"].get("stackTrace")
    return [frame_name(frame) for frame in trace["frames"]] if trace else []


def share(count, total):
    return f"{100.0 * count / total:5.1f}%" if total else "  -  "


def cpu(recording):
    samples = [frames_of(event) for event in events(recording, "jdk.ExecutionSample")]
    samples = [frames for frames in samples if frames]
    total = len(samples)
    native = [frames_of(event) for event in events(recording, "jdk.NativeMethodSample")]
    native = [frames for frames in native if frames]
    print(f"CPU: {total} samples of threads running Java code, {len(native)} of threads in"
          " native code (system calls such as epoll_wait, read and write; idle waits included)")
    print(f"\nTop {TOP} native methods:")
    for method, count in collections.Counter(frames[0] for frames in native).most_common(TOP):
        print(f"  {share(count, len(native))}  {method}")
    tops = collections.Counter(frames[0] for frames in samples)
    print(f"\nTop {TOP} methods, self time:")
    for method, count in tops.most_common(TOP):
        print(f"  {share(count, total)}  {method}")
    print("\nInclusive share of samples with a frame in:")
    for group, prefixes in GROUPS:
        count = sum(1 for frames in samples
                    if any(frame.startswith(prefixes) for frame in frames))
        print(f"  {share(count, total)}  {group}")
    proxy_frames = collections.Counter()
    for frames in samples:
        for frame in dict.fromkeys(frames):
            if frame.startswith("io.github.ec2metadata."):
                proxy_frames[frame] += 1
    print(f"\nProxy methods on the stack (inclusive), top {TOP}:")
    for method, count in proxy_frames.most_common(TOP):
        print(f"  {share(count, total)}  {method}")


def allocation(recording, requests):
    samples = events(recording, "jdk.ObjectAllocationSample")
    total = sum(event["values"]["weight"] for event in samples)
    print(f"\nAllocation: {total / 2**20:.0f} MiB sampled weight in {len(samples)} samples",
          end="")
    if requests:
        print(f", about {total / requests:.0f} bytes a request over {requests} requests")
    else:
        print()
    by_class = collections.Counter()
    by_site = collections.Counter()
    for event in samples:
        weight = event["values"]["weight"]
        by_class[event["values"]["objectClass"]["name"].replace("/", ".")] += weight
        frames = frames_of(event)
        site = next((frame for frame in frames if not frame.startswith(("java.", "jdk.",
                                                                           "sun."))),
                    frames[0] if frames else "?")
        by_site[site] += weight
    in_proxy = sum(event["values"]["weight"] for event in samples
                   if any(frame.startswith("io.github.ec2metadata.")
                          for frame in frames_of(event)))
    print(f"Allocated with proxy code on the stack: {share(in_proxy, total)}")
    print(f"Top {TOP} allocated classes:")
    for name, weight in by_class.most_common(TOP):
        print(f"  {share(weight, total)}  {name}")
    print(f"Top {TOP} allocation sites (first frame outside the JDK):")
    for name, weight in by_site.most_common(TOP):
        print(f"  {share(weight, total)}  {name}")


def garbage_collection(recording):
    collections_ = events(recording, "jdk.GarbageCollection")
    if not collections_:
        return
    pauses_ms = sorted(parse_millis(event["values"]["sumOfPauses"]) for event in collections_)
    print(f"\nGC: {len(pauses_ms)} collections, {sum(pauses_ms):.0f} ms paused in all,"
          f" longest {pauses_ms[-1]:.1f} ms, median {pauses_ms[len(pauses_ms) // 2]:.2f} ms")


def parse_millis(duration):
    """JFR prints durations in JSON as ISO-8601 (PT0.001234S)."""
    seconds = duration.removeprefix("PT").removesuffix("S")
    minutes = 0.0
    if "M" in seconds:
        minutes_text, seconds = seconds.split("M")
        minutes = float(minutes_text)
    return (minutes * 60 + float(seconds or 0)) * 1000


def requests_served(argument):
    """A number as given, or the requests of the proxy's runs in run.sh's logs folder."""
    if argument.isdigit():
        return int(argument)
    total = 0
    for log in pathlib.Path(argument).glob("*-proxy.txt*"):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("BENCH-JSON "):
                total += json.loads(line[len("BENCH-JSON "):])["requests"]
    return total


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    recording = sys.argv[1]
    requests = requests_served(sys.argv[2]) if len(sys.argv) > 2 else 0
    cpu(recording)
    allocation(recording, requests)
    garbage_collection(recording)


if __name__ == "__main__":
    main()

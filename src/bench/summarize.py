#!/usr/bin/env python3
"""Turns the results.jsonl of run.sh into a Markdown table and the targets' verdicts.

Per workload and target: median requests a second, p50 and p99 latency over the rounds, errors
and upstream requests summed over the rounds; per round the ratio proxy/nginx of throughput
(higher is better for the proxy) and of p50 and p99 latency (lower is better), shown min..max.
"""

import json
import statistics
import sys

WORKLOADS = {
    1: "1 hits, one path",
    2: "2 hits, metadata tree",
    3: "3 SDK start (PUT + 6 tokened reads)",
    4: "4 cold storm",
}

# Distinct upstream paths of workloads 3 and 4 (six reads) plus the proxy's own token PUT.
SDK_UPSTREAM_BUDGET = 6 + 1

RSS_TARGET_MIB = 110

# A run in which other processes took more than this share of the CPU time is called disturbed.
DISTURBED = 0.10


def load(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def errors_of(result):
    missing = max(0, result.get("expected_requests", 0) - result["requests"])
    return (result.get("connect_errors", 0) + result.get("read_errors", 0)
            + result.get("write_errors", 0) + result.get("timeouts", 0)
            + result.get("status_errors", 0) + missing)


def rate_of(result):
    return result["requests"] / (result["duration_us"] / 1e6)


def ms(micros):
    return f"{micros / 1000:.2f}"


def listed(values):
    return ",".join(map(str, values))


def span(values, digits=2):
    if not values:
        return "-"
    return f"{min(values):.{digits}f}..{max(values):.{digits}f}"


class Runs:
    """The measured runs of one workload on one target, by round."""

    def __init__(self, rows):
        self.by_round = {row["round"]: row for row in rows}

    def rates(self):
        return [rate_of(row["result"]) for row in self.by_round.values()]

    def median(self, field):
        return statistics.median(row["result"][field] for row in self.by_round.values())

    def errors(self):
        return sum(errors_of(row["result"]) for row in self.by_round.values())

    def upstream(self):
        return [row["upstream"] for row in self.by_round.values()]


def ratios(proxy, nginx, value):
    shared = sorted(set(proxy.by_round) & set(nginx.by_round))
    out = []
    for round_number in shared:
        theirs = value(nginx.by_round[round_number])
        if theirs:
            out.append(value(proxy.by_round[round_number]) / theirs)
    return out


def table(rows):
    lines = [
        "| workload | proxy req/s | nginx req/s | req/s ratio | p50 ms proxy / nginx"
        " | p99 ms proxy / nginx | p50 ratio | p99 ratio | errors proxy / nginx"
        " | upstream requests proxy / nginx |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for workload, name in WORKLOADS.items():
        proxy = Runs([r for r in rows if r.get("workload") == workload
                      and r["target"] == "proxy"])
        nginx = Runs([r for r in rows if r.get("workload") == workload
                      and r["target"] == "nginx"])
        if not proxy.by_round or not nginx.by_round:
            continue
        rate = ratios(proxy, nginx, lambda row: rate_of(row["result"]))
        p50 = ratios(proxy, nginx, lambda row: row["result"]["p50_us"])
        p99 = ratios(proxy, nginx, lambda row: row["result"]["p99_us"])
        lines.append(
            f"| {name} | {statistics.median(proxy.rates()):,.0f}"
            f" | {statistics.median(nginx.rates()):,.0f} | {span(rate)}"
            f" | {ms(proxy.median('p50_us'))} / {ms(nginx.median('p50_us'))}"
            f" | {ms(proxy.median('p99_us'))} / {ms(nginx.median('p99_us'))}"
            f" | {span(p50)} | {span(p99)}"
            f" | {proxy.errors()} / {nginx.errors()}"
            f" | {listed(proxy.upstream())} / {listed(nginx.upstream())} |")
        verdicts.extend(verdicts_for(workload, proxy, rate, p99))
    return lines, verdicts


def verdicts_for(workload, proxy, rate, p99):
    if workload in (1, 2):
        return [
            verdict(f"workload {workload}: throughput at least nginx's (ratio >= 1.0)",
                    min(rate) >= 1.0, f"ratio {span(rate)}"),
            verdict(f"workload {workload}: p99 no worse than nginx's (p99 ratio <= 1.0)",
                    max(p99) <= 1.0, f"p99 ratio {span(p99)}"),
        ]
    return [
        verdict(f"workload {workload}: no errors", proxy.errors() == 0,
                f"{proxy.errors()} errors over all rounds"),
        verdict(f"workload {workload}: at most {SDK_UPSTREAM_BUDGET} upstream requests a run",
                max(proxy.upstream()) <= SDK_UPSTREAM_BUDGET,
                f"upstream requests per run {proxy.upstream()}"),
    ]


def verdict(claim, met, detail):
    return f"- [{'x' if met else ' '}] {claim}: {'met' if met else 'NOT met'} ({detail})"


def storm_details(rows):
    lines = []
    for row in rows:
        if row.get("workload") == 4:
            result = row["result"]
            lines.append(
                f"- round {row['round']}, {row['target']}: {result['clients_all_2xx']} of"
                f" {result['clients']} clients got only 2xx answers; statuses"
                f" {result['statuses']}, connection errors {result['connect_errors']},"
                f" upstream requests {row['upstream']}, all done in"
                f" {result['duration_us'] / 1000:.0f} ms")
    starts = [row["upstream"] for row in rows if row.get("kind") == "startup_upstream"]
    if starts:
        lines.append(f"- the proxy's own start-up (its tokenless probe of IMDS, before the"
                     f" storm and not counted in it) made {starts} upstream requests")
    return lines


def foreign_share(row):
    """Share of the machine's CPU time that processes other than the benchmark's used."""
    cpu = row.get("cpu")
    if not cpu or not cpu["total"]:
        return None
    return max(0, cpu["busy"] - cpu["ours"]) / cpu["total"]


def disturbance(rows):
    measured = [(row, foreign_share(row)) for row in rows if "workload" in row]
    measured = [(row, share_) for row, share_ in measured if share_ is not None]
    if not measured:
        return []
    shares = sorted(share_ for _, share_ in measured)
    lines = [f"Other work on the machine took {100 * statistics.median(shares):.0f}% of its CPU"
             f" time during a measured run (median), {100 * shares[-1]:.0f}% at most."]
    disturbed = [f"round {row['round']} workload {row['workload']} {row['target']}"
                 f" {100 * share_:.0f}%" for row, share_ in measured if share_ > DISTURBED]
    if disturbed:
        lines.append(f"Runs where it took more than {100 * DISTURBED:.0f}% (their numbers are"
                     f" lower than the machine can give): {'; '.join(disturbed)}.")
    return lines


def memory(rows):
    samples = [row for row in rows if row.get("kind") == "rss"]
    if not samples:
        return [], []
    lines = [f"- round {row['round']}, {row['when']}: proxy VmRSS"
             f" {row['proxy_kib'] / 1024:.1f} MiB, nginx (master + worker)"
             f" {row['nginx_kib'] / 1024:.1f} MiB" for row in samples]
    last = samples[-1]["proxy_kib"] / 1024
    peak = max(row["proxy_kib"] for row in samples) / 1024
    return lines, [verdict(f"proxy RSS after the run at most {RSS_TARGET_MIB} MiB",
                           last <= RSS_TARGET_MIB,
                           f"{last:.1f} MiB after the run, {peak:.1f} MiB at most")]


def main():
    rows = load(sys.argv[1])
    lines, verdicts = table(rows)
    memory_lines, memory_verdicts = memory(rows)
    print("\n".join(lines))
    print()
    print("Medians over the rounds; ratios are proxy/nginx per round, min..max (req/s: higher"
          " is better for the proxy; latency: lower is). Errors: non-2xx answers, connection"
          " errors and timeouts, summed over the rounds (wrk counts statuses >= 400). Upstream"
          " requests: the emulator's count during each measured run, per round.\n")
    print("\n".join(disturbance(rows)))
    storm = storm_details(rows)
    if storm:
        print("\nCold storm:")
        print("\n".join(storm))
    if memory_lines:
        print("\nMemory:")
        print("\n".join(memory_lines))
    print("\nTargets:")
    print("\n".join(verdicts + memory_verdicts))


if __name__ == "__main__":
    main()

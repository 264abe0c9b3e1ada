#!/usr/bin/env python3
"""Workload 4, the cold storm: many SDKs starting at the same moment.

Each client opens its own keep-alive connection once all clients are ready, asks for a session
token (PUT), then makes the six reads of an SDK start with it. A client whose PUT fails reads
without a token, as botocore falls back to IMDSv1 when it gets no token. Prints one line:
BENCH-JSON {...} with request counts, errors and latency percentiles in microseconds.
"""

import argparse
import http.client
import json
import threading
import time

TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"


class Client:
    """One SDK start: a PUT and the reads, each timed, on one connection while it holds."""

    def __init__(self, port, reads, timeout_seconds):
        self.port = port
        self.reads = reads
        self.timeout_seconds = timeout_seconds
        self.connection = None
        self.latencies_us = []
        self.statuses = []
        self.connection_errors = 0

    def run(self, start_together):
        start_together.wait()
        token = self.ask("PUT", "/latest/api/token", {TTL_HEADER: "21600"})
        headers = {TOKEN_HEADER: token} if token else {}
        for path in self.reads:
            self.ask("GET", path, headers)
        if self.connection is not None:
            self.connection.close()

    def ask(self, method, path, headers):
        """The answer body of a 200 as text, else None; the outcome is recorded either way."""
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout_seconds)
            self.connection.request(method, path, body=b"" if method == "PUT" else None,
                                    headers=headers)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection_errors += 1
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return None
        finally:
            self.latencies_us.append((time.perf_counter() - began) * 1e6)
        self.statuses.append(response.status)
        return body.decode("ascii", "replace").strip() if response.status == 200 else None


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--reads", required=True, help="file of read paths, one per line")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    args = parser.parse_args()

    with open(args.reads, encoding="ascii") as lines:
        reads = [line.strip() for line in lines if line.strip()]
    clients = [Client(args.port, reads, args.timeout) for _ in range(args.clients)]
    # The main thread passes the barrier last, so the clock starts when all are released.
    start_together = threading.Barrier(args.clients + 1)
    threads = [threading.Thread(target=client.run, args=(start_together,), daemon=True)
               for client in clients]
    for thread in threads:
        thread.start()
    start_together.wait()
    began = time.perf_counter()
    # A client makes at most 1 + len(reads) requests of at most --timeout seconds each.
    give_up_at = began + (1 + len(reads)) * args.timeout + 5
    for thread in threads:
        thread.join(max(0.0, give_up_at - time.perf_counter()))
    elapsed = time.perf_counter() - began

    statuses = [status for client in clients for status in client.statuses]
    latencies = sorted(value for client in clients for value in client.latencies_us)
    connection_errors = sum(client.connection_errors for client in clients)
    expected = len(clients) * (1 + len(reads))
    complete = sum(1 for client in clients
                   if len(client.statuses) == 1 + len(reads)
                   and all(200 <= status < 300 for status in client.statuses))
    by_status = {}
    for status in statuses:
        by_status[str(status)] = by_status.get(str(status), 0) + 1
    report = {
        "clients": len(clients),
        "requests": len(latencies),
        "expected_requests": expected,
        "duration_us": int(elapsed * 1e6),
        "status_errors": sum(1 for status in statuses if not 200 <= status < 300),
        "connect_errors": connection_errors,
        "unfinished_clients": sum(1 for thread in threads if thread.is_alive()),
        "clients_all_2xx": complete,
        "p50_us": int(percentile(latencies, 0.50)),
        "p90_us": int(percentile(latencies, 0.90)),
        "p99_us": int(percentile(latencies, 0.99)),
        "max_us": int(latencies[-1]) if latencies else 0,
        "statuses": by_status,
    }
    print("BENCH-JSON " + json.dumps(report, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()

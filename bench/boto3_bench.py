#!/usr/bin/env python3
"""boto3 DescribeInstances against cloudgate and moto, interleaved.

Called by `go run ./bench` (workload boto3); prints one JSON object:
{"gateway": {"n":…, "p50_ms":…, …}, "moto": {…}}. The gateway keys come
from GW_KEY/GW_SECRET (the demo user's, from DATA_DIR/demo/env.sh).
"""
import argparse
import json
import os
import statistics
import sys
import time

import boto3
from botocore.config import Config


def client(endpoint, region, key, secret):
    return boto3.client(
        "ec2", endpoint_url=endpoint, region_name=region,
        aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def count(c):
    # Terminated instances stay listed for about an hour (EC2 and the gateway);
    # the run-terminate workloads leave some, so count the others.
    return sum(1 for r in c.describe_instances()["Reservations"] for i in r["Instances"]
               if i.get("State", {}).get("Name") != "terminated")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", required=True)
    ap.add_argument("--moto", required=True)
    ap.add_argument("--expect", type=int, default=-1)
    ap.add_argument("--rounds", type=int, default=20)
    a = ap.parse_args()
    targets = {
        "gateway": client(a.gateway, "cloudstack-1", os.environ["GW_KEY"], os.environ["GW_SECRET"]),
        "moto": client(a.moto, "us-east-1", "testing", "testing"),
    }
    for name, c in targets.items():  # warm-up, and check the counts
        n = count(c)
        if a.expect >= 0 and n != a.expect:
            print(f"{name}: {n} instances, want {a.expect}", file=sys.stderr)
            sys.exit(1)
    times = {k: [] for k in targets}
    deadline = time.monotonic() + 60
    for i in range(a.rounds):
        if i >= 5 and time.monotonic() > deadline:
            break
        for name, c in targets.items():
            t0 = time.perf_counter()
            count(c)
            times[name].append((time.perf_counter() - t0) * 1000)
    out = {}
    for name, ts in times.items():
        ts.sort()
        out[name] = {"n": len(ts), "p50_ms": ts[len(ts) // 2], "p90_ms": ts[len(ts) * 9 // 10],
                     "min_ms": ts[0], "mean_ms": statistics.fmean(ts)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

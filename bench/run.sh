#!/usr/bin/env bash
# One command for the whole benchmark: bash bench/run.sh [flags for ./bench]
# e.g. bash bench/run.sh -workloads all -sizes 10,100,1000,10000
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
go build -o bench/results/bench ./bench
exec bench/results/bench "$@"

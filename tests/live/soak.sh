#!/bin/bash
# The soak, two minutes of it (scripts/soak.sh; the one-hour run is
# scripts/soak.sh -d 3600): the daemon under a storm that comes and goes,
# drains and process churn keeps its RSS flat after the warm-up, rotates on
# SIGHUP and exits 0 on SIGTERM.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash
args=(-d "${MIGTRACE_SOAK_SECONDS:-120}" -s 5 -w 40)
# ASan's quarantine and shadow memory grow RSS by design: check the rest only.
[ -n "${MIGTRACE_SANITIZED:-}" ] && args=(-d 40 -s 5 -w 10 -t 10000000)
MIGTRACE=$MIGTRACE scripts/soak.sh "${args[@]}"

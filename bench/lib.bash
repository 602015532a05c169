# Shared by bench.sh and sampler.sh: kernel.bpf_stats_enabled on for the
# run and put back after (with the scratch directory $TMP and any tracer
# still running), and waiting for a tracer to say it is attached.

# bench_stats_on: enable BPF run-time stats until the script exits.
bench_stats_on() {
	stats_was=$(cat /proc/sys/kernel/bpf_stats_enabled)
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	trap bench_cleanup EXIT
	trap 'exit 143' TERM INT
}
bench_cleanup() {
	echo "$stats_was" >/proc/sys/kernel/bpf_stats_enabled
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	rm -rf "$TMP"
}

# wait_for FILE PATTERN: until the tracer says it is attached (max 30 s).
wait_for() {
	for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
	echo "bench: tracer did not attach: $(cat "$1")" >&2
	return 1
}

#!/bin/bash
# Prometheus as operators use it: the real daemon's textfile linted by
# promtool check metrics and read by the real prometheus-node-exporter on
# 127.0.0.1 (migtrace's series there, node_textfile_scrape_error 0 while the
# file is replaced every second); every query of the Grafana dashboard and
# every alert rule parses and names metrics the daemon really writes.
cd "$(dirname "$0")/../.." && . tests/live/lib.bash

for tool in promtool prometheus-node-exporter; do
	command -v $tool >/dev/null || { skip "prometheus: no $tool (scripts/setup.sh installs it)"; exit 0; }
done
dash=packaging/grafana/migtrace.json rules=packaging/prometheus/migtrace.rules.yml
tf=$WORK/textfile
mkdir -p "$tf"
prom=$tf/migtrace.prom

start_migtrace daemon.err daemon --interval 1 --prom-file "$prom" --prom-mode 0644 \
	--json-out "$WORK/daemon.jsonl"
check "daemon started" kill -0 "$MT_PID"
trigger_drains 0 3	# lru_add_drain_all(): per-CPU drain series in the file
for _ in $(seq 100); do
	grep -qs '^migtrace_daemon_intervals_total [1-9]' "$prom" && break
	sleep 0.1
done
cp "$prom" "$WORK/file.prom"
check "the daemon wrote its textfile" grep -q '^migtrace_daemon_intervals_total [1-9]' "$WORK/file.prom"
promtool check metrics <"$WORK/file.prom" >"$WORK/lint" 2>&1; st=$?
check "promtool check metrics: the daemon's file is clean ($st: $(head -c 300 "$WORK/lint"))" \
	test $st -eq 0 -a ! -s "$WORK/lint"

# Series of a file or a scrape, "name{labels}", labels sorted and histogram
# bounds as numbers (node_exporter sorts labels and writes 0.000001024 as
# 1.024e-06); and the metric names the file declares (a histogram's as
# _bucket, _sum and _count).
series() {
	grep -E '^migtrace_' "$1" | sed 's/ [^ ]*$//' | gawk '{
		name = $0; sub(/\{.*/, "", name)
		if (!match($0, /\{(.*)\}/, m)) { print name; next }
		n = split(m[1], l, ",")
		for (i = 1; i <= n; i++)
			if (l[i] ~ /^le="/ && l[i] !~ /Inf/) {
				v = l[i]; gsub(/le="|"/, "", v); l[i] = sprintf("le=\"%g\"", v + 0)
			}
		asort(l); s = l[1]
		for (i = 2; i <= n; i++) s = s "," l[i]
		print name "{" s "}" }' | sort -u
}
series "$WORK/file.prom" >"$WORK/file.series"
awk '$1 == "#" && $2 == "TYPE" { print $3; if ($4 == "histogram") print $3 "_bucket\n" $3 "_sum\n" $3 "_count" }' \
	"$WORK/file.prom" | sort -u >"$WORK/file.names"

# node_exporter on a free loopback port; another process may take the port
# between the check and the bind: then the exporter exits and another port
# is tried.
http_get() {	# http_get PORT PATH: the body, or nothing
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3
	sed '1,/^\r$/d' <&3
	exec 3<&-
}
port= ne=
for p in $(shuf -i 20000-60999 -n 8); do
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue	# in use
	prometheus-node-exporter --web.listen-address="127.0.0.1:$p" --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$tf" >"$WORK/ne.log" 2>&1 &
	ne=$!
	PIDS+=("$ne")
	for _ in $(seq 100); do
		http_get "$p" /metrics 2>/dev/null | grep -q '^node_textfile_scrape_error' && { port=$p; break; }
		kill -0 "$ne" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$port" ] && break
	kill "$ne" 2>/dev/null
done
check "prometheus-node-exporter serves 127.0.0.1:${port:-none} ($(tail -n 2 "$WORK/ne.log" | tr '\n' ' ' | head -c 200))" \
	test -n "$port"
[ -n "$port" ] || exit 1

# 20 scrapes while the daemon replaces the file every second.
errors=0 missing=0
for i in $(seq 20); do
	http_get "$port" /metrics >"$WORK/metrics.$i"
	grep -qx 'node_textfile_scrape_error 0' "$WORK/metrics.$i" || errors=$((errors + 1))
	comm -23 "$WORK/file.series" <(series "$WORK/metrics.$i") | grep -q . && missing=$((missing + 1))
	sleep 0.15
done
check "node_textfile_scrape_error is 0 in 20 scrapes over 3 s of rewrites ($errors not)" test $errors -eq 0
check "every one of the file's $(wc -l <"$WORK/file.series") migtrace series is in /metrics, in each scrape ($missing scrapes short)" \
	test $missing -eq 0
check "node_exporter stamps the file (node_textfile_mtime_seconds)" \
	grep -qF "node_textfile_mtime_seconds{file=\"$prom\"}" "$WORK/metrics.20"

# The dashboard: valid JSON, every query parses (Grafana's variables set to
# plain values) and names only metrics the daemon writes, at least one each.
check "the dashboard is JSON with panels" test "$(jq '.panels | length' "$dash" 2>/dev/null)" -gt 0
jq -r '.. | .expr? // empty' "$dash" >"$WORK/exprs"
jq -r '.. | .definition? // empty' "$dash" | sed 's/^label_values(\([^,]*\),.*/\1/' >"$WORK/var.names"
{
	echo 'groups: [{name: dashboard, rules: ['
	i=0
	while read -r e; do
		e=${e//\$__rate_interval/5m}
		printf '  {record: "q%d", expr: %s},\n' $((i += 1)) "$(jq -Rn --arg e "${e//\$instance/.*}" '$e')"
	done <"$WORK/exprs"
	echo ']}]'
} >"$WORK/dash.rules.yml"
promtool check rules "$WORK/dash.rules.yml" >"$WORK/dash.check" 2>&1; st=$?
check "promtool parses all $(wc -l <"$WORK/exprs") dashboard queries ($st: $(grep -v SUCCESS "$WORK/dash.check" | head -c 300))" \
	test $st -eq 0
names() {	# metric names in a PromQL expression: not strings, labels, ranges, functions
	jq -Rr 'gsub("\"(\\\\.|[^\"\\\\])*\""; "") | gsub("\\{[^}]*\\}"; "") | gsub("\\[[^\\]]*\\]"; "")
		| gsub("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)"; "")
		| [scan("([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?") | select(.[1] == null) | .[0]]
		| map(select(IN("bool", "and", "or", "unless", "offset") | not)) | .[]'
}
unknown= bare=
while read -r e; do
	n=$(echo "$e" | names)
	echo "$n" | grep -q '^migtrace_' || bare="$bare [$e]"
	for m in $n; do
		grep -qx "$m" "$WORK/file.names" || unknown="$unknown $m"
	done
done <"$WORK/exprs"
while read -r m; do grep -qx "$m" "$WORK/file.names" || unknown="$unknown $m"; done <"$WORK/var.names"
check "every dashboard query names metrics the daemon writes${unknown:+: not written:$unknown}" test -z "$unknown"
check "every dashboard query names a migtrace metric${bare:+: not:$bare}" test -z "$bare"

# The alert rules: the metrics and incident kinds they name are written.
unknown=
for m in $(grep -v '^ *#' "$rules" | grep -o 'migtrace_[a-z_]*' | sort -u); do
	grep -qx "$m" "$WORK/file.names" || unknown="$unknown $m"
done
for k in $(grep -v '^ *#' "$rules" | grep -o 'kind="[a-z_]*"' | sort -u); do
	grep -qF "migtrace_incidents_open{$k}" "$WORK/file.series" || unknown="$unknown $k"
done
check "every metric and kind the alert rules name is written${unknown:+: not:$unknown}" test -z "$unknown"

kill -TERM "$MT_PID"
wait "$MT_PID"; st=$?
check "daemon stops with status 0 ($st)" test $st -eq 0

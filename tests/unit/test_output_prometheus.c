// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus exposition (output/prometheus.c): running totals,
 * histogram rules, parsed back, every family documented.
 */
#include <stdint.h>
#include "check.h"
#include "core/aggregate.h"
#include "model/hist.h"
#include "model/snapshot.h"
#include "output/prometheus.h"

#define MS 1000000ULL

static struct hook_status hooks[HOOK_MAX];

/* Interval n of a synthetic run: drain work on two CPUs, a fault run, drops. */
static void fill_interval(struct snapshot *r, struct agg *a, int n)
{
	memset(r, 0, sizeof(*r));
	agg_init(a, false);
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		hooks[i].mech = MECH_TRACEPOINT;
	hooks[HOOK_LRU_ADD_DRAIN_ALL].approximate = true;
	hooks[HOOK_MIGRATE_VMA_SETUP].mech = MECH_NONE;
	agg_event(a, &(struct mt_event){ .type = MT_EV_DRAIN_QUEUE, .ts = 10,
		  .drain_queue = { .target_cpu = 1 } });
	agg_event(a, &(struct mt_event){ .type = MT_EV_DRAIN_WORK, .ts = 300 * MS, .cpu = 1,
		  .drain_work = { .queue_ts = 10, .start_ts = 200 * MS, .target_cpu = 1 } });
	agg_event(a, &(struct mt_event){ .type = MT_EV_FAULT_RUN, .ts = 60 * MS,
		  .task = { 9, 9, 0, 1, "spin" },
		  .fault_run = { .address = 0x7f0000002000, .first_ts = 10 * MS,
				 .attempts = 40 + n, .source = MT_FAULT_PAGE_FAULT_USER } });
	r->events = a->s;
	memcpy(r->hooks, hooks, sizeof(r->hooks));
	r->hooks_known = true;
	r->ncpus = 2;
	r->duration_ns = 5000 * MS;
	hist_add_value(&r->cpu[MT_H_DRAIN_WAIT][0], 500);	/* below the first bucket */
	hist_add_value(&r->cpu[MT_H_DRAIN_WAIT][0], 20000 * n);
	hist_add_value(&r->cpu[MT_H_DRAIN_WAIT][1], 200 * MS);
	hist_add_value(&r->cpu[MT_H_DRAIN_EXEC][1], 4000);
	hist_add_value(&r->global[MT_H_FOLIO_WAIT], 1ULL << 45);	/* beyond the last slot */
	r->npending = 1;
	r->pending[0] = (struct pending_drain){ .cpu = 1, .age_ns = 2000 * MS + n };
	r->dropped[MT_EV_FAULT_RUN] = 3 * n;	/* the kernel's running total */
	r->dropped_total = 3 * n;
	r->state_full = n;
	r->detecting = true;
	r->incidents[INC_DRAIN_STALL] = (struct incident_totals){ n, 1, 7 * MS, 3 * MS };
}

static struct snapshot total, last;

static const struct loader_stats daemon_stats = {
	.known = true,
	.start_time_s = 1764000000, .write_time_s = 1764000060, .intervals = 2,
	.rss_bytes = 4 << 20, .cpu_ns = 1500 * MS, .events_read = 6, .shedding = true,
	.shed_episodes = 1, .shed_ns = 12 * 1000 * MS, .output_errors = 0, .reopens = 1,
	.detect_tick_ns = 100 * MS,
};

/* Two intervals folded as the daemon folds them; the second is the last. */
static void two_intervals(void)
{
	static struct agg a;

	memset(&total, 0, sizeof(total));
	fill_interval(&last, &a, 1);
	snapshot_accumulate(&total, &last);
	fill_interval(&last, &a, 2);
	last.loader = daemon_stats;
	snapshot_accumulate(&total, &last);
}

static void exposition_matches_golden(void)
{
	const char *got = "build/tests/prometheus.out";
	FILE *f = fopen(got, "w");

	CHECK(f != NULL);
	if (!f)
		return;
	two_intervals();
	prom_write(f, &total, &last);
	fclose(f);
	CHECK(check_golden(got, "tests/golden/prometheus.out"));
}

/* ---- parsing the exposition back ----------------------------------------- */

#define MAX_SAMPLES 2048

struct sample {
	char name[96];
	char labels[160];
	double value;
};

static struct sample samples[MAX_SAMPLES];
static int nsamples;

static bool valid_name(const char *s)
{
	if (!(*s == '_' || *s == ':' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (s++; *s; s++)
		if (!(*s == '_' || *s == ':' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Parse text format 0.0.4 strictly enough for our own output; false on anything odd. */
static bool parse(const char *text)
{
	char typed[128][96];
	int ntyped = 0;
	const char *p = text;

	nsamples = 0;
	while (*p) {
		const char *eol = strchr(p, '\n');
		char line[512], *sp, *brace;
		size_t n;

		if (!eol)
			return false;	/* the last line must end too */
		n = eol - p;
		if (n >= sizeof(line))
			return false;
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol + 1;
		if (!strncmp(line, "# TYPE ", 7)) {
			char name[96], type[32];

			if (sscanf(line + 7, "%95s %31s", name, type) != 2 || !valid_name(name))
				return false;
			for (int i = 0; i < ntyped; i++)
				if (!strcmp(typed[i], name))
					return false;	/* a family declared twice */
			if (strcmp(type, "counter") && strcmp(type, "gauge") && strcmp(type, "histogram"))
				return false;
			if (ntyped < 128)
				snprintf(typed[ntyped++], sizeof(typed[0]), "%s", name);
			continue;
		}
		if (line[0] == '#')
			continue;
		if (nsamples >= MAX_SAMPLES)
			return false;
		struct sample *s = &samples[nsamples++];

		sp = strrchr(line, ' ');
		if (!sp)
			return false;
		*sp = '\0';
		s->value = strtod(sp + 1, NULL);
		brace = strchr(line, '{');
		if (brace) {
			if (line[strlen(line) - 1] != '}')
				return false;
			line[strlen(line) - 1] = '\0';
			snprintf(s->labels, sizeof(s->labels), "%.159s", brace + 1);
			*brace = '\0';
		} else {
			s->labels[0] = '\0';
		}
		snprintf(s->name, sizeof(s->name), "%.95s", line);
		if (!valid_name(s->name))
			return false;
	}
	return true;
}

static const struct sample *find(const char *name, const char *labels)
{
	for (int i = 0; i < nsamples; i++)
		if (!strcmp(samples[i].name, name) && !strcmp(samples[i].labels, labels))
			return &samples[i];
	return NULL;
}

static double value(const char *name, const char *labels)
{
	const struct sample *s = find(name, labels);

	return s ? s->value : -1;
}

/* Buckets of one series: le ascending, counts not decreasing, +Inf == _count. */
static bool histogram_consistent(const char *name, const char *labels)
{
	char bucket[128], lbl[200];
	double last_le = -1, last = 0;
	int n = 0;

	snprintf(bucket, sizeof(bucket), "%s_bucket", name);
	for (int i = 0; i < nsamples; i++) {
		const char *le;
		double b;

		if (strcmp(samples[i].name, bucket) || strncmp(samples[i].labels, labels, strlen(labels)))
			continue;
		le = strstr(samples[i].labels, "le=\"");
		if (!le)
			return false;
		b = !strncmp(le + 4, "+Inf", 4) ? 1e300 : strtod(le + 4, NULL);
		if (b <= last_le || samples[i].value < last)
			return false;
		last_le = b;
		last = samples[i].value;
		n++;
	}
	snprintf(bucket, sizeof(bucket), "%s_count", name);
	snprintf(lbl, sizeof(lbl), "%.*s", labels[0] ? (int)strlen(labels) - 1 : 0, labels);
	return n == MT_HIST_SLOTS - PROM_FIRST_SLOT && last_le == 1e300 &&
	       last == value(bucket, lbl);
}

static void parsed_back_counts_add_up(void)
{
	static char text[1 << 17];
	FILE *f = fmemopen(text, sizeof(text), "w");

	two_intervals();
	prom_write(f, &total, &last);
	CHECK(!ferror(f));
	fclose(f);
	CHECK(parse(text));
	/* Counters: the sum of both intervals. */
	CHECK(value("migtrace_events_total", "type=\"drain_work\"") == 2);
	CHECK(value("migtrace_events_total", "type=\"fault_run\"") == 2);
	CHECK(value("migtrace_fault_runs_total", "") == 2);
	CHECK(value("migtrace_fault_attempts_total", "") == 41 + 42);
	CHECK(value("migtrace_drain_all_calls_total", "") == 2);
	/* The kernel's running totals: the latest, not a sum. */
	CHECK(value("migtrace_records_dropped_total", "type=\"fault_run\"") == 6);
	CHECK(value("migtrace_state_full_total", "") == 2);
	/* Histograms: two samples per interval on CPU 0, both intervals. */
	CHECK(value("migtrace_drain_wait_seconds_count", "cpu=\"0\"") == 4);
	CHECK(value("migtrace_drain_wait_seconds_bucket", "cpu=\"0\",le=\"0.000001024\"") == 2);
	CHECK(value("migtrace_drain_wait_seconds_bucket", "cpu=\"0\",le=\"+Inf\"") == 4);
	CHECK(value("migtrace_drain_wait_seconds_sum", "cpu=\"0\"") == (2 * 500 + 60000) / 1e9);
	CHECK(value("migtrace_drain_wait_seconds_count", "cpu=\"1\"") == 2);
	CHECK(histogram_consistent("migtrace_drain_wait_seconds", "cpu=\"0\","));
	CHECK(histogram_consistent("migtrace_drain_wait_seconds", "cpu=\"1\","));
	CHECK(histogram_consistent("migtrace_drain_exec_seconds", ""));
	CHECK(histogram_consistent("migtrace_folio_lock_wait_seconds", ""));
	CHECK(histogram_consistent("migtrace_drain_all_seconds", ""));
	/* Beyond the last slot: only in +Inf. */
	CHECK(value("migtrace_folio_lock_wait_seconds_bucket", "le=\"549.755813888\"") == 0);
	CHECK(value("migtrace_folio_lock_wait_seconds_bucket", "le=\"+Inf\"") == 2);
	/* The rebuilt lru_add_drain_all calls count where the kernel has none. */
	CHECK(value("migtrace_drain_all_seconds_count", "") == 2);
	/* Gauges: the latest report. */
	CHECK(value("migtrace_drain_pending_cpus", "") == 1);
	CHECK(value("migtrace_drain_pending_max_age_seconds", "") == 2.000000002);
	CHECK(value("migtrace_incidents_total", "kind=\"drain_stall\"") == 2);
	CHECK(value("migtrace_daemon_shedding", "") == 1);
	CHECK(value("migtrace_hook_info", "hook=\"migrate_vma_setup\",mechanism=\"none\","
		    "approximate=\"false\"") == 1);
}

static void labels_are_escaped(void)
{
	char buf[64] = "";
	FILE *f = fmemopen(buf, sizeof(buf), "w");

	prom_label_value(f, "a\"b\\c\nd");
	fclose(f);
	CHECK(!strcmp(buf, "\"a\\\"b\\\\c\\nd\""));
}

/* migtrace(8) names every family the table exports (a new metric is documented). */
static void every_family_is_in_the_man_page(void)
{
	static char man[1 << 17];
	char name[96], bold[112];
	FILE *f = fopen("man/migtrace.8", "r");
	size_t n;

	CHECK(f != NULL);
	if (!f)
		return;
	n = fread(man, 1, sizeof(man) - 1, f);
	man[n] = '\0';
	fclose(f);
	for (size_t i = 0; i < metric_count; i++) {
		if (!metric_defs[i].name)
			continue;
		prom_family_name(name, sizeof(name), &metric_defs[i]);
		snprintf(bold, sizeof(bold), "\\fB%s\\fR", name);
		if (!strstr(man, bold)) {
			fprintf(stderr, "  %s is not in man/migtrace.8\n", name);
			CHECK(strstr(man, bold) != NULL);
		}
	}
}

int main(void)
{
	RUN(exposition_matches_golden);
	RUN(parsed_back_counts_add_up);
	RUN(labels_are_escaped);
	RUN(every_family_is_in_the_man_page);
	CHECK_EXIT();
}

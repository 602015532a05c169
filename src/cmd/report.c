// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace report FILE: the report a live run would have printed, from a
 * record: events replayed through the same aggregation, the kernel's
 * histograms from the last snapshot. Also the Chrome/Perfetto export.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "output/report.h"
#include "cmd/commands.h"
#include "model/incident.h"
#include "output/json.h"
#include "record/recording.h"
#include "record/trace_export.h"
#include "model/units.h"
#include "output/format.h"


static struct options {
	const char *file;
	const char *trace_out;
	bool json;
	bool quiet;
} opts;

static const char doc[] =
"Print the report of a recorded run, as the live run prints it.\n"
"\n"
"USAGE: migtrace report [OPTIONS] FILE\n"
"\n"
"A record cut off by a kill or a crash is reported up to its last complete\n"
"chunk. Damage is named on stderr with its file offset; the exit status is\n"
"then 4 (the readable part is still reported), 1 when nothing is usable.\n"
"\n"
"EXAMPLES:\n"
"    migtrace report run.mtr\n"
"    migtrace report --json run.mtr | jq 'select(.type==\"drain_cpu\")'\n"
"    migtrace report --chrome-trace run.trace.json run.mtr   # ui.perfetto.dev\n";

enum { OPT_TRACE = 1000 };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines instead of text (schema: migtrace(8))", 0 },
	{ "chrome-trace", OPT_TRACE, "OUT", 0,
	  "Also write a Chrome trace JSON timeline (Perfetto UI, chrome://tracing) to OUT", 0 },
	{ "quiet", 'q', NULL, 0, "No damage warnings on stderr (exit status still says)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'j':
		opts.json = true;
		break;
	case 'q':
		opts.quiet = true;
		break;
	case OPT_TRACE:
		opts.trace_out = arg;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (opts.file)
			argp_error(state, "one record at a time (compare takes several)");
		opts.file = arg;
		break;
	case ARGP_KEY_END:
		if (!opts.file)
			argp_error(state, "no record file given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void warn(void *ctx, const char *msg)
{
	(void)ctx;
	if (!opts.quiet)
		fprintf(stderr, "migtrace report: %s\n", msg);
}

#define MAX_INCIDENTS 256

struct replay {
	struct agg agg;
	struct incident_totals totals[INC_KIND_MAX];
	struct trace_export *trace;
	struct rec_incident incidents[MAX_INCIDENTS];
	uint32_t nincidents;
	/* Started and not yet ended: id and kind at start. */
	struct { uint64_t id; int kind; } open[MAX_INCIDENTS];
	uint32_t nopen;
};

/* An incident counted once, under the kind it reached (its end's). */
static void total_add(struct replay *r, int k, uint64_t ns)
{
	r->totals[k].count++;
	r->totals[k].total_ns += ns;
	if (ns > r->totals[k].max_ns)
		r->totals[k].max_ns = ns;
}

static void on_event(void *ctx, const struct mt_event *e)
{
	struct replay *r = ctx;

	agg_event(&r->agg, e);
	if (r->trace)
		trace_export_event(r->trace, e);
}

static void on_incident(void *ctx, const struct rec_incident *i)
{
	struct replay *r = ctx;
	int k = incident_kind_parse(i->kind);

	/*
	 * Totals as the detectors keep them: an incident raised to a more
	 * specific kind while it lasted (its end says which) counts under that.
	 */
	if (k >= 0 && !i->end && r->nopen < MAX_INCIDENTS) {
		r->open[r->nopen].id = i->id;
		r->open[r->nopen++].kind = k;
	} else if (k >= 0 && i->end) {
		for (uint32_t n = 0; n < r->nopen; n++)
			if (r->open[n].id == i->id) {
				r->open[n] = r->open[--r->nopen];
				break;
			}
		total_add(r, k, i->duration_ns);
	}
	if (i->end && r->nincidents < MAX_INCIDENTS)
		r->incidents[r->nincidents++] = *i;
	if (r->trace)
		trace_export_incident(r->trace, i);
}

static void text_record(const struct recording *run)
{
	const struct rec_header *h = &run->hdr;
	time_t start = h->start_realtime_ns / NSEC_PER_SEC;
	char when[64] = "?", b[16];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&start));
	printf("record %s: label %s, kernel %s, %u CPUs, virt %s, started %s\n", run->name,
	       h->label, h->kernel, h->ncpus, h->virt, when);
	if (h->command[0])
		printf("command: %s\n", h->command);
	if (run->has_end) {
		printf("ended: %s after %s", run->end.reason, fmt_ns(b, sizeof(b), run->end.wall_ns));
		if (run->end.has_exit)
			printf(", exit status %d%s", run->end.exit_status,
			       run->end.exit_signal ? " (killed by a signal)" : "");
		putchar('\n');
		if (run->end.result[0])
			printf("%s\n", run->end.result);
	} else {
		printf("ended: no end chunk (%s)\n", run->cut_off ? "cut off: killed or crashed" :
		       "killed or crashed between chunks");
	}
	printf("chunks %llu, events %llu, snapshots %llu, damaged %u, invalid events %llu\n\n",
	       (unsigned long long)run->chunks, (unsigned long long)run->events,
	       (unsigned long long)run->snapshots, run->damaged,
	       (unsigned long long)run->bad_events);
}

static void text_incidents(const struct replay *rp)
{
	if (!rp->nincidents)
		return;
	printf("\nIncidents ended (%u%s), as the live run printed them\n", rp->nincidents,
	       rp->nincidents == MAX_INCIDENTS ? ", more not listed" : "");
	for (uint32_t i = 0; i < rp->nincidents; i++)
		printf("    %s\n", rp->incidents[i].detail);
}

static void json_record(const struct recording *run, const struct replay *rp)
{
	const struct rec_header *h = &run->hdr;
	struct json j;

	json_begin(&j, stdout, "record");
	json_str(&j, "file", run->name);
	json_str(&j, "label", h->label);
	json_str(&j, "kernel", h->kernel);
	json_u64(&j, "cpus", h->ncpus);
	json_str(&j, "virt", h->virt);
	json_str(&j, "hostname", h->hostname);
	json_u64(&j, "start_realtime_ns", h->start_realtime_ns);
	json_str(&j, "command", h->command);
	json_u64(&j, "chunks", run->chunks);
	json_u64(&j, "events", run->events);
	json_u64(&j, "invalid_events", run->bad_events);
	json_u64(&j, "snapshots", run->snapshots);
	json_u64(&j, "damaged", run->damaged);
	json_bool(&j, "cut_off", run->cut_off);
	json_bool(&j, "complete", run->has_end);
	if (run->has_end) {
		json_str(&j, "end_reason", run->end.reason);
		json_u64(&j, "wall_ns", run->end.wall_ns);
		if (run->end.has_exit)
			json_i64(&j, "exit_status", run->end.exit_status);
		if (run->end.result[0])
			json_str(&j, "result", run->end.result);
		if (run->end.has_throughput)
			json_dbl(&j, "throughput_per_s", run->end.throughput);
	}
	json_end(&j);
	for (uint32_t i = 0; i < rp->nincidents; i++) {
		const struct rec_incident *x = &rp->incidents[i];

		json_begin(&j, stdout, "recorded_incident");
		json_u64(&j, "id", x->id);
		json_str(&j, "kind", x->kind);
		json_u64(&j, "start_ns", x->start_ns);
		json_u64(&j, "duration_ns", x->duration_ns);
		json_i64(&j, "cpu", x->cpu);
		json_u64(&j, "pid", x->pid);
		json_str(&j, "detail", x->detail);
		json_end(&j);
	}
}

/* Without a snapshot (killed in its first second), the events alone. */
static void report_without_snapshot(struct snapshot *r, const struct recording *run,
				    const struct event_stats *a)
{
	r->ncpus = run->hdr.ncpus;
	r->duration_ns = a->last_ts > run->hdr.start_mono_ns ? a->last_ts - run->hdr.start_mono_ns : 0;
}

static int open_trace(FILE **f, struct trace_export *t, const struct rec_header *h)
{
	*f = fopen(opts.trace_out, "we");
	if (!*f) {
		fprintf(stderr, "migtrace report: %s: %s\n", opts.trace_out, strerror(errno));
		return -errno;
	}
	trace_export_begin(t, *f, h);
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "FILE", .doc = doc,
	};
	static struct snapshot r;
	static struct replay rp;
	static struct trace_export trace;
	struct rec_visitor v = { .event = on_event, .incident = on_incident, .ctx = &rp };
	struct recording run;
	FILE *tf = NULL;
	char err[512];
	int ret;

	argv[0] = (char *)"migtrace report";	/* what argp names in its messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;

	/* First pass: the header, to know which hooks were live before replaying. */
	ret = rec_load_path(opts.file, &run, NULL, NULL, NULL, NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "migtrace report: %s\n", err);
		return EXIT_ERROR;
	}
	agg_init(&rp.agg, hook_drain_all_precise(run.hdr.hooks));
	if (opts.trace_out) {
		if (open_trace(&tf, &trace, &run.hdr))
			return EXIT_ERROR;
		rp.trace = &trace;
	}
	ret = rec_load_path(opts.file, &run, &r, &v, warn, NULL, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "migtrace report: %s\n", err);
		ret = EXIT_ERROR;
		goto cleanup;
	}
	r.events = rp.agg.s;
	memcpy(r.hooks, run.hdr.hooks, sizeof(r.hooks));
	r.hooks_known = true;
	r.detecting = run.hdr.detect;
	for (uint32_t n = 0; n < rp.nopen; n++) {	/* cut off before their end */
		rp.totals[rp.open[n].kind].count++;
		rp.totals[rp.open[n].kind].open++;
	}
	memcpy(r.incidents, rp.totals, sizeof(r.incidents));
	if (!run.snapshots)
		report_without_snapshot(&r, &run, &rp.agg.s);
	if (opts.json) {
		json_record(&run, &rp);
		report_json(stdout, &r);
	} else {
		text_record(&run);
		report_text(stdout, &r);
		text_incidents(&rp);
	}
	ret = run.damaged ? EXIT_DAMAGED : EXIT_OK;
cleanup:
	if (tf) {
		bool ok = trace_export_end(&trace);

		if (fclose(tf) || !ok) {
			fprintf(stderr, "migtrace report: writing %s failed\n", opts.trace_out);
			ret = ret ? ret : EXIT_ERROR;
		}
	}
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace daemon: trace until stopped, with memory bounded whatever the
 * workload, a report every interval as JSON lines, running totals as a
 * Prometheus textfile, and load shed visibly under an event storm.
 *
 * Memory: every kernel table is a fixed-size (LRU) map, every user-space
 * table is fixed-size, and nothing is allocated per record. CPU: records are
 * consumed at most --max-event-rate a second; beyond that the daemon goes
 * aggregate-only (it reads the ring buffer a few times a second, the kernel
 * drops and counts what does not fit, kernel histograms stay exact) until
 * the storm has passed.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd/commands.h"
#include "cmd/daemon_opts.h"
#include "cmd/detect_opts.h"
#include "cmd/incident_log.h"
#include "cmd/kernel_log.h"
#include "cmd/signals.h"
#include "cmd/tracing_opts.h"
#include "cmd/session_loop.h"
#include "core/load_shed.h"
#include "output/incident_kmsg.h"
#include "output/incident_print.h"
#include "output/caps.h"
#include "output/files.h"
#include "output/json.h"
#include "output/kreport_print.h"
#include "output/pid_file.h"
#include "output/prometheus.h"
#include "output/snapshot_print.h"

#define SHED_POLLS	4		/* ring buffer reads a second while shedding */
#define SHED_READ_NS	(NSEC_PER_SEC / SHED_POLLS)
#define DETECT_SHARE	50		/* detector ticks: at most 1/50 of a CPU */

struct daemon {
	struct session *s;
	struct session_loop *loop;
	struct kernel_log kernel_log;
	struct incident_log incident_log;	/* --kmsg */
	struct out_file json;
	bool incident_written;
	int pid_fd;
	struct snapshot total;		/* every interval folded in: Prometheus counters */
	const struct snapshot *last;	/* the interval being written: its gauges */
	struct loader_stats stats;
	struct load_shed load;
};

static void self_usage(struct loader_stats *st)
{
	struct rusage ru;
	unsigned long size, resident;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) == 2)
			st->rss_bytes = (uint64_t)resident * sysconf(_SC_PAGESIZE);
		fclose(f);
	}
	if (!getrusage(RUSAGE_SELF, &ru))
		st->cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NSEC_PER_SEC +
			     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * NSEC_PER_USEC;
}

static void note_output(struct daemon *d, bool ok, const char *what)
{
	if (ok)
		return;
	/* Count every failure; say so on the first and then every thousandth. */
	if (d->stats.output_errors++ % 1000 == 0)
		fprintf(stderr, "migtrace: writing %s failed (%llu failures so far)\n", what,
			(unsigned long long)d->stats.output_errors);
}

static void overload_line(struct daemon *d)
{
	const struct load_shed *l = &d->load;
	struct json j;

	fprintf(stderr, "migtrace: %s: %llu records/s offered, limit %lu\n",
		l->shedding ? "overloaded, sampling records (aggregate-only)" : "load back to normal",
		(unsigned long long)l->offered, daemon_opts.max_rate);
	if (!d->json.f)
		return;
	json_begin(&j, d->json.f, "overload");
	json_time_now(&j);
	json_str(&j, "state", l->shedding ? "shedding" : "normal");
	json_u64(&j, "offered_per_s", l->offered);
	json_u64(&j, "consumed_per_s", l->consumed);
	json_u64(&j, "max_event_rate", daemon_opts.max_rate);
	json_u64(&j, "shed_episodes", l->episodes);
	json_u64(&j, "shed_ns", l->shed_ns);
	json_end(&j);
	note_output(d, out_file_flush(&d->json), d->json.path);
}

static int prom_cb(FILE *f, void *ctx)
{
	struct daemon *d = ctx;

	prom_write(f, &d->total, d->last);
	return 0;
}

/* Incidents are written as they happen: flushed promptly (on_poll). */
static void on_incident(void *ctx, const struct incident *inc)
{
	struct daemon *d = ctx;

	if (!d->json.f)
		return;
	incident_print(d->json.f, inc, true, detect_opts.stacks);
	d->incident_written = true;
}

/* A joined report is in its incident's line; the others get one of their own. */
static void on_kernel_report(void *ctx, const struct kernel_report *kr)
{
	struct daemon *d = ctx;

	if (!d->json.f || kr->incident_id)
		return;
	kreport_print(d->json.f, kr, true);
	d->incident_written = true;
}

static void interval_line(struct daemon *d, bool final)
{
	struct json j;

	json_begin(&j, d->json.f, "interval");
	json_time_now(&j);
	json_u64(&j, "seq", d->stats.intervals);
	json_bool(&j, "final", final);
	json_bool(&j, "shedding", d->load.shedding);
	json_u64(&j, "shed_episodes", d->load.episodes);
	json_u64(&j, "shed_ns", d->load.shed_ns);
	json_u64(&j, "records", session_events_read(d->s));
	json_u64(&j, "rss_bytes", d->stats.rss_bytes);
	json_u64(&j, "cpu_ns", d->stats.cpu_ns);
	json_u64(&j, "output_errors", d->stats.output_errors);
	json_u64(&j, "detect_tick_ns", session_loop_detect_period(d->loop));
	json_end(&j);
}

/* Snapshot, fold into the totals, write both outputs; the loop starts the next interval. */
static void on_interval(void *ctx, uint64_t now, bool final)
{
	static struct snapshot snap;	/* large: per-CPU histograms */
	struct daemon *d = ctx;
	char err[PATH_MAX + 128];

	memset(&snap, 0, sizeof(snap));
	session_loop_snapshot(d->loop, &snap);
	load_shed_account(&d->load, now);
	d->stats.intervals++;
	self_usage(&d->stats);
	d->stats.events_read = session_events_read(d->s);
	d->stats.detect_tick_ns = session_loop_detect_period(d->loop);
	d->stats.incidents_dropped = session_loop_incidents_dropped(d->loop);
	d->stats.shedding = d->load.shedding;
	d->stats.shed_episodes = d->load.episodes;
	d->stats.shed_ns = d->load.shed_ns;
	if (d->json.f) {
		interval_line(d, final);
		snapshot_print_json(d->json.f, &snap);
		note_output(d, out_file_flush(&d->json), d->json.path);
	}
	d->stats.write_time_s = (uint64_t)time(NULL);
	snap.loader = d->stats;
	snap.loader.known = true;
	snapshot_accumulate(&d->total, &snap);
	d->last = &snap;
	if (daemon_opts.prom_path) {
		if (output_replace(daemon_opts.prom_path, daemon_opts.prom_mode, prom_cb, d, err,
				   sizeof(err)))
			note_output(d, false, err);
	}
}

/* SIGHUP reopens the JSON file; incidents written since the last read are flushed. */
static bool on_poll(void *ctx, uint64_t now)
{
	struct daemon *d = ctx;
	char err[PATH_MAX + 128];

	(void)now;
	if (signals_take_reopen()) {
		d->stats.reopens++;
		if (out_file_reopen(&d->json, err, sizeof(err)))
			fprintf(stderr, "migtrace: SIGHUP: reopening failed, still writing the old "
				"file: %s\n", err);
	}
	if (d->incident_written) {
		d->incident_written = false;
		note_output(d, out_file_flush(&d->json), d->json.path);
	}
	return false;
}

/* Once a second: is the offered load past --max-event-rate (or back under half)? */
static void on_second(void *ctx, uint64_t now)
{
	struct daemon *d = ctx;

	if (load_shed_tick(&d->load, session_produced(d->s), session_dropped(d->s),
			   session_events_read(d->s), now))
		overload_line(d);
}

/*
 * Never more than --max-event-rate events a second: every LOOP_READ_NS what
 * is left of this second's allowance, a quarter of it four times a second
 * while shedding. A wakeup per event would cost more than the event, and an
 * unbounded read could run forever in a storm.
 */
static uint64_t read_budget(void *ctx, uint64_t now, uint64_t *next_read_ns)
{
	struct daemon *d = ctx;
	uint64_t used = session_events_read(d->s) - d->load.events;

	(void)now;
	*next_read_ns = d->load.shedding ? SHED_READ_NS : LOOP_READ_NS;
	if (d->load.shedding)
		return daemon_opts.max_rate / SHED_POLLS;
	return used < daemon_opts.max_rate ? daemon_opts.max_rate - used : 0;
}

static void start_line(struct daemon *d)
{
	struct json j;

	json_begin(&j, d->json.f, "daemon");
	json_time_now(&j);
	json_u64(&j, "pid", getpid());
	json_u64(&j, "interval_s", daemon_opts.interval_s);
	json_u64(&j, "max_event_rate", daemon_opts.max_rate);
	json_end(&j);
	hooks_print_caps(d->json.f, session_hooks(d->s), true);
	kernel_log_print(d->json.f, kernel_log_state(&d->kernel_log), true);
	if (detect_opts.kmsg) {
		const struct kmsg_writer *w = &d->incident_log.w;

		incident_kmsg_caps(d->json.f, w->fd >= 0, w->fd >= 0 ? kmsg_writer_limit(w) : w->why,
				   true);
	}
	note_output(d, out_file_flush(&d->json), d->json.path);
}

static int start(struct daemon *d, char *err, size_t len)
{
	struct loop_options lo = {
		.interval_ns = daemon_opts.interval_s * NSEC_PER_SEC,
		.duration_ns = tracing_opts.duration_s * NSEC_PER_SEC, .reset_interval = true,
		.final_budget = daemon_opts.max_rate, .detect = &detect_opts,
		.detect_cost_share = DETECT_SHARE,
	};
	struct loop_callbacks cb = {
		.ctx = d, .incident = on_incident, .poll = on_poll, .second = on_second,
		.interval = on_interval, .budget = read_budget, .kernel_report = on_kernel_report,
	};
	int ret;

	if (daemon_opts.pid_path) {
		d->pid_fd = pid_file_open(daemon_opts.pid_path, err, len);
		if (d->pid_fd < 0)
			return -EEXIST;
	}
	/* Outputs before the BPF programs: a bad path costs nothing in the kernel. */
	if (daemon_opts.json_path &&
	    out_file_open(&d->json, daemon_opts.json_path, daemon_opts.json_mode, err, len))
		return -EIO;
	ret = session_open(&d->s, &tracing_opts.session, err, len);
	if (!ret)
		ret = session_loop_start(&d->loop, d->s, &lo, err, len);
	if (!ret)
		ret = session_loop_add(d->loop, &cb);	/* the first party: room is certain */
	if (!ret)
		ret = kernel_log_add(&d->kernel_log, d->loop);
	if (!ret && detect_opts.kmsg)
		ret = incident_log_add(&d->incident_log, d->loop);
	if (ret)
		return ret;
	load_shed_init(&d->load, daemon_opts.max_rate, session_produced(d->s));
	d->stats.start_time_s = (uint64_t)time(NULL);
	if (d->json.f)
		start_line(d);
	fprintf(stderr, "migtrace: daemon started (pid %d), reporting every %lus\n",
		(int)getpid(), daemon_opts.interval_s);
	return 0;
}

static void stop(struct daemon *d)
{
	incident_log_close(&d->incident_log);
	kernel_log_close(&d->kernel_log);
	session_loop_free(d->loop);
	session_close(d->s);	/* detaches every link, frees every program and map */
	out_file_close(&d->json);
	if (d->pid_fd >= 0) {
		unlink(daemon_opts.pid_path);
		close(d->pid_fd);
	}
}

int cmd_daemon(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &tracing_argp, 0, NULL, 1 }, { &detect_argp, 0, NULL, 2 }, {},
	};
	static const struct argp argp = {
		.options = daemon_options, .parser = daemon_parse_arg, .args_doc = "",
		.doc = daemon_doc,
		.children = children,
	};
	static struct daemon d = { .pid_fd = -1 };
	char err[PATH_MAX + 256];
	enum loop_end why;

	argv[0] = "migtrace daemon";	/* for argp's messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	signals_install();
	umask(077);	/* anything created without an explicit mode is private */

	if (start(&d, err, sizeof(err))) {
		fprintf(stderr, "migtrace: %s\n", err);
		stop(&d);
		return EXIT_ERROR;
	}
	why = session_loop_run(d.loop);
	stop(&d);
	fprintf(stderr, "migtrace: daemon stopped\n");
	return why == LOOP_INCIDENT ? EXIT_INCIDENT : why == LOOP_READ_ERROR ? EXIT_ERROR : EXIT_OK;
}

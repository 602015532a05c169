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
#include "cmd/signals.h"
#include "cmd/tracing_opts.h"
#include "core/load_shed.h"
#include "kernel/clock.h"
#include "kernel/detect_live.h"
#include "kernel/session.h"
#include "output/caps.h"
#include "output/files.h"
#include "output/json.h"
#include "output/pid_file.h"
#include "output/prometheus.h"
#include "output/report.h"

#define TICK_NS		(NSEC_PER_SEC)	/* overload check period */
#define READ_NS		(20 * NSEC_PER_MSEC)	/* between ring buffer reads */
#define SHED_POLLS	4		/* ring buffer reads a second while shedding */
#define SHED_READ_NS	(NSEC_PER_SEC / SHED_POLLS)
#define DETECT_SHARE	50		/* detector ticks: at most 1/50 of a CPU */

struct daemon {
	struct session s;
	struct out_file json;
	FILE *devnull;			/* incidents' output without --json-out */
	struct detect_live dl;
	bool incident_written;
	uint64_t detect_period_ns;	/* between detector ticks now */
	int pid_fd;
	struct prom_totals totals;
	struct prom_daemon stats;
	struct load_shed load;
};

static void self_usage(struct prom_daemon *st)
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

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * The detectors' tick reads every fault run still going: with many threads
 * (tens of thousands of entries) that is milliseconds of system time. Space
 * the ticks so that they cost at most 1/DETECT_SHARE of a CPU; incidents
 * are then seen a little later, never missed for good.
 */
static void detect_poll(struct daemon *d, uint64_t now)
{
	uint64_t cost, period, t0;

	if (!d->dl.session || now < d->dl.next_tick) {
		detect_live_poll(&d->dl, now);
		return;
	}
	t0 = thread_cpu_ns();
	detect_live_poll(&d->dl, now);
	cost = thread_cpu_ns() - t0;	/* CPU, not wall time: a busy host is not a cost */
	period = cost * DETECT_SHARE > DETECT_TICK_NS ? cost * DETECT_SHARE : DETECT_TICK_NS;
	if (period > 10 * NSEC_PER_SEC)
		period = 10 * NSEC_PER_SEC;
	d->dl.next_tick = now + period;
	d->detect_period_ns = period;
}

static int prom_cb(FILE *f, void *ctx)
{
	struct daemon *d = ctx;

	prom_write(f, &d->totals, &d->stats);
	return 0;
}

/* Incidents are written as they happen (detect_live prints them): flush promptly. */
static void on_incident(void *ctx, const struct incident *inc)
{
	struct daemon *d = ctx;

	(void)inc;
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
	json_u64(&j, "records", d->s.records);
	json_u64(&j, "rss_bytes", d->stats.rss_bytes);
	json_u64(&j, "cpu_ns", d->stats.cpu_ns);
	json_u64(&j, "output_errors", d->stats.output_errors);
	json_u64(&j, "detect_tick_ns", d->detect_period_ns);
	json_end(&j);
}

/* Snapshot, fold into the totals, write both outputs, start the next interval. */
static void emit(struct daemon *d, bool final, uint64_t now)
{
	static struct snapshot r;	/* large: per-CPU histograms */
	char err[PATH_MAX + 128];

	memset(&r, 0, sizeof(r));
	session_snapshot(&d->s, &r);
	detect_live_totals(&d->dl, &r);
	prom_accumulate(&d->totals, &r);
	load_shed_account(&d->load, now);
	d->stats.intervals++;
	self_usage(&d->stats);
	d->stats.records = d->s.records;
	d->stats.detect_tick_ns = d->detect_period_ns;
	d->stats.incidents_dropped = d->dl.det.dropped_incidents;
	d->stats.shedding = d->load.shedding;
	d->stats.shed_episodes = d->load.episodes;
	d->stats.shed_ns = d->load.shed_ns;
	if (d->json.f) {
		interval_line(d, final);
		report_json(d->json.f, &r);
		note_output(d, out_file_flush(&d->json), d->json.path);
	}
	if (daemon_opts.prom_path) {
		d->stats.write_time_s = (uint64_t)time(NULL);
		if (output_replace(daemon_opts.prom_path, daemon_opts.prom_mode, prom_cb, d, err,
				   sizeof(err)))
			note_output(d, false, err);
	}
	session_reset_interval(&d->s);
}

static void reopen(struct daemon *d)
{
	char err[PATH_MAX + 128];

	d->stats.reopens++;
	if (out_file_reopen(&d->json, err, sizeof(err)))
		fprintf(stderr, "migtrace: SIGHUP: reopening failed, still writing the old file: %s\n",
			err);
	if (d->json.f)
		d->dl.out = d->json.f;
}

/* Sleep until the monotonic time t (ns); a signal cuts it short. */
static void sleep_until(uint64_t t)
{
	uint64_t now = mono_ns(), wait = t > now ? t - now : 0;
	struct timespec ts = { wait / NSEC_PER_SEC, wait % NSEC_PER_SEC };

	if (wait)
		nanosleep(&ts, NULL);
}

/*
 * Records are read in batches every READ_NS (SHED_READ_NS while shedding),
 * never more than --max-event-rate a second: a wakeup per record would cost
 * more than the record, and an unbounded read could run forever in a storm.
 */
static int run(struct daemon *d)
{
	uint64_t start = mono_ns(), next_report = start + daemon_opts.interval_s * NSEC_PER_SEC;
	uint64_t next_tick = start + TICK_NS, next_read = start;
	uint64_t duration_ns = tracing_opts.duration_s * NSEC_PER_SEC;

	while (!signals_exiting() && !d->dl.triggered) {
		uint64_t now = mono_ns(), used = d->s.records - d->load.records, wake;
		int n = 0;

		if (now >= next_read) {
			uint64_t budget = d->load.shedding ? daemon_opts.max_rate / SHED_POLLS :
					  used < daemon_opts.max_rate ? daemon_opts.max_rate - used : 0;

			if (budget)
				n = session_poll(&d->s, 0, budget);
			next_read = now + (d->load.shedding ? SHED_READ_NS : READ_NS);
		}
		if (n < 0) {
			fprintf(stderr, "migtrace: reading the ring buffer failed: %s\n", strerror(-n));
			return EXIT_ERROR;
		}
		if (signals_take_reopen())
			reopen(d);
		now = mono_ns();
		detect_poll(d, now);
		if (d->incident_written) {
			d->incident_written = false;
			note_output(d, out_file_flush(&d->json), d->json.path);
		}
		if (now >= next_tick) {
			if (load_shed_tick(&d->load, session_produced(&d->s), session_dropped(&d->s),
					   d->s.records, now))
				overload_line(d);
			next_tick = now + TICK_NS;
		}
		if (now >= next_report) {
			emit(d, false, now);
			next_report += daemon_opts.interval_s * NSEC_PER_SEC;
			if (next_report <= now)	/* late (suspended): no burst of reports */
				next_report = now + daemon_opts.interval_s * NSEC_PER_SEC;
		}
		if (duration_ns && now - start >= duration_ns)
			break;
		wake = next_read < next_tick ? next_read : next_tick;
		if (d->dl.session && d->dl.next_tick < wake)
			wake = d->dl.next_tick;
		sleep_until(wake);	/* a signal cuts it short */
	}
	/* Take what is in the ring buffer (bounded) before the last report. */
	session_poll(&d->s, 0, daemon_opts.max_rate);
	detect_live_finish(&d->dl);
	emit(d, true, mono_ns());
	return d->dl.triggered ? EXIT_INCIDENT : EXIT_OK;
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
	hooks_print_caps(d->json.f, d->s.hooks, true);
	note_output(d, out_file_flush(&d->json), d->json.path);
}

static int start(struct daemon *d, char *err, size_t len)
{
	int ret;

	if (daemon_opts.pid_path) {
		d->pid_fd = pid_file_open(daemon_opts.pid_path, err, len);
		if (d->pid_fd < 0)
			return -EEXIST;
	}
	/* Outputs before the BPF programs: a bad path costs nothing in the kernel. */
	if (daemon_opts.json_path && out_file_open(&d->json, daemon_opts.json_path, daemon_opts.json_mode, err, len))
		return -EIO;
	ret = session_open(&d->s, &tracing_opts.session, err, len);
	if (ret)
		return ret;
	load_shed_init(&d->load, daemon_opts.max_rate, session_produced(&d->s));
	if (!d->json.f) {
		d->devnull = fopen("/dev/null", "we");
		if (!d->devnull) {
			snprintf(err, len, "/dev/null: %s", strerror(errno));
			return -errno;
		}
	}
	if (detect_live_start(&d->dl, &d->s, &detect_opts, d->json.f ? d->json.f : d->devnull,
			      true)) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	d->dl.on_incident = on_incident;
	d->dl.on_incident_ctx = d;
	d->stats.start_time_s = (uint64_t)time(NULL);
	if (d->json.f)
		start_line(d);
	fprintf(stderr, "migtrace: daemon started (pid %d), reporting every %lus\n",
		(int)getpid(), daemon_opts.interval_s);
	return 0;
}

static void stop(struct daemon *d)
{
	detect_live_free(&d->dl);
	session_close(&d->s);	/* detaches every link, frees every program and map */
	out_file_close(&d->json);
	if (d->devnull)
		fclose(d->devnull);
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
	int ret;

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
	ret = run(&d);
	stop(&d);
	fprintf(stderr, "migtrace: daemon stopped\n");
	return ret;
}

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
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "output/report.h"
#include "cmd/commands.h"
#include "kernel/detect_live.h"
#include "output/json.h"
#include "migtrace.skel.h"
#include "output/files.h"
#include "output/prometheus.h"
#include "kernel/session.h"
#include "output/caps.h"
#include "cmd/signals.h"
#include "core/util.h"

#define TICK_NS		(NSEC_PER_SEC)	/* overload check period */
#define READ_NS		(20 * NSEC_PER_MSEC)	/* between ring buffer reads */
#define SHED_POLLS	4		/* ring buffer reads a second while shedding */
#define SHED_READ_NS	(NSEC_PER_SEC / SHED_POLLS)
#define CALM_TICKS	10		/* seconds below half the limit before leaving */
#define DETECT_SHARE	50		/* detector ticks: at most 1/50 of a CPU */

static struct options {
	unsigned long interval_s;
	unsigned long duration_s;	/* 0: until stopped */
	unsigned long max_rate;		/* records a second before shedding */
	const char *json_path;		/* NULL: none; "-": standard output */
	const char *prom_path;
	const char *pid_path;
	mode_t json_mode, prom_mode;
	struct session_opts session;
} opts = {
	.interval_s = 60,
	.max_rate = 100000,
	.json_mode = OUTPUT_DEFAULT_MODE,
	.prom_mode = OUTPUT_DEFAULT_MODE,
	.session = { .cpu = -1 },
};

static const char doc[] =
"migtrace daemon: trace until SIGINT or SIGTERM with bounded memory; every\n"
"INTERVAL write a report as JSON lines and running totals as a Prometheus\n"
"textfile. SIGHUP reopens the JSON file (log rotation). Under an event storm\n"
"the daemon samples records (aggregate-only) and says so.\n"
"\n"
"USAGE: migtrace daemon [OPTIONS]\n"
"\n"
"Files are created 0600 unless --json-mode/--prom-mode say otherwise (the\n"
"textfile collector of node_exporter usually needs 0644). Without --json-out\n"
"and --prom-file, JSON lines go to standard output.\n"
"\n"
"EXAMPLES:\n"
"    migtrace daemon --interval 30 --json-out /var/log/migtrace/migtrace.jsonl\n"
"    migtrace daemon -i 15 --prom-mode 0644 \\\n"
"        --prom-file /var/lib/migtrace/migtrace.prom\n";

enum {
	OPT_JSON_OUT = 1000, OPT_PROM_FILE, OPT_PID_FILE, OPT_JSON_MODE, OPT_PROM_MODE,
	OPT_MAX_RATE, OPT_NO_FENTRY, OPT_NO_KPROBE,
};

static const struct argp_option options[] = {
	{ "interval", 'i', "SECONDS", 0, "Report every SECONDS (1..86400, default 60)", 0 },
	{ "json-out", OPT_JSON_OUT, "FILE", 0, "Append JSON lines to FILE ('-': standard output)", 0 },
	{ "prom-file", OPT_PROM_FILE, "PATH", 0,
	  "Replace PATH (*.prom) atomically with Prometheus text every interval", 0 },
	{ "json-mode", OPT_JSON_MODE, "MODE", 0, "Mode of a created JSON file (default 0600)", 0 },
	{ "prom-mode", OPT_PROM_MODE, "MODE", 0, "Mode of the Prometheus file (default 0600)", 0 },
	{ "pid-file", OPT_PID_FILE, "PATH", 0, "Write the PID to PATH, locked: one daemon per file", 0 },
	{ "max-event-rate", OPT_MAX_RATE, "N", 0,
	  "Records a second consumed before shedding load (1000..10000000, default 100000)", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (default: run until stopped)", 0 },
	{ "pid", 'p', "PID", 0, "Only tasks of process PID (faults, migrations, locks)", 0 },
	{ "cpu", 'C', "CPU", 0, "Only drain work targeting CPU", 0 },
	{ "verbose", 'v', NULL, 0, "Print libbpf's messages, including verifier logs", 0 },
	{ "no-fentry", OPT_NO_FENTRY, NULL, 0, "Do not use fentry/fexit", 0 },
	{ "no-kprobe", OPT_NO_KPROBE, NULL, 0, "Do not use kprobes", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static void check_path(struct argp_state *state, const char *what, const char *path)
{
	char err[PATH_MAX + 128];

	if (!output_path_valid(path, err, sizeof(err)))
		argp_error(state, "invalid %s: %s", what, err);
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case 'i':
		if (!parse_ulong(arg, 24 * 3600, &v) || !v)
			argp_error(state, "invalid interval: %s", arg);
		opts.interval_s = v;
		break;
	case 'd':
		if (!parse_ulong(arg, 365UL * 24 * 3600, &v) || !v)
			argp_error(state, "invalid duration: %s", arg);
		opts.duration_s = v;
		break;
	case OPT_JSON_OUT:
		if (strcmp(arg, "-"))
			check_path(state, "--json-out", arg);
		opts.json_path = arg;
		break;
	case OPT_PROM_FILE: {
		size_t n = strlen(arg);

		check_path(state, "--prom-file", arg);
		if (n < 6 || strcmp(arg + n - 5, ".prom") || arg[n - 6] == '/')
			argp_error(state, "invalid --prom-file: %s: the textfile collector reads "
				   "only NAME.prom files", arg);
		opts.prom_path = arg;
		break;
	}
	case OPT_PID_FILE:
		check_path(state, "--pid-file", arg);
		opts.pid_path = arg;
		break;
	case OPT_JSON_MODE:
	case OPT_PROM_MODE:
		if (!output_parse_mode(arg, key == OPT_JSON_MODE ? &opts.json_mode : &opts.prom_mode))
			argp_error(state, "invalid mode: %s (octal, at most 0644, at least 0600)", arg);
		break;
	case OPT_MAX_RATE:
		if (!parse_ulong(arg, 10000000, &v) || v < 1000)
			argp_error(state, "invalid --max-event-rate: %s", arg);
		opts.max_rate = v;
		break;
	case 'p':
		if (!parse_ulong(arg, INT32_MAX, &v) || !v)
			argp_error(state, "invalid PID: %s", arg);
		opts.session.tgid = v;
		break;
	case 'C':
		if (!parse_ulong(arg, MT_MAX_CPUS - 1, &v))
			argp_error(state, "invalid CPU: %s", arg);
		opts.session.cpu = v;
		break;
	case 'v':
		opts.session.verbose = true;
		break;
	case OPT_NO_FENTRY:
		opts.session.no_fentry = true;
		break;
	case OPT_NO_KPROBE:
		opts.session.no_kprobe = true;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument: %s", arg);
		break;
	case ARGP_KEY_END:
		if (!opts.json_path && !opts.prom_path)
			opts.json_path = "-";
		if (opts.json_path && opts.prom_path && !strcmp(opts.json_path, opts.prom_path))
			argp_error(state, "--json-out and --prom-file name the same file");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* ---- privileges ---------------------------------------------------------- */

#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

static bool cap_effective(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1U << (cap % 32));
}

/*
 * Loading tracing programs needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN
 * on kernels before 5.8. Say which are missing before trying anything.
 */
static int check_capabilities(char *err, size_t len)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &h, d)) {
		snprintf(err, len, "reading capabilities failed: %s", strerror(errno));
		return -errno;
	}
	if (cap_effective(d, CAP_SYS_ADMIN) ||
	    (cap_effective(d, CAP_BPF) && cap_effective(d, CAP_PERFMON))) {
		if (!cap_effective(d, CAP_SYSLOG) && !cap_effective(d, CAP_SYS_ADMIN))
			fprintf(stderr, "migtrace: warning: without CAP_SYSLOG /proc/kallsyms may "
				"hide addresses: drain work may go untraced\n");
		return 0;
	}
	snprintf(err, len, "missing capabilities:%s%s (or CAP_SYS_ADMIN): run as root or grant "
		 "them (see migtrace(8))", cap_effective(d, CAP_BPF) ? "" : " CAP_BPF",
		 cap_effective(d, CAP_PERFMON) ? "" : " CAP_PERFMON");
	return -EPERM;
}

/* ---- the daemon ---------------------------------------------------------- */

struct daemon {
	struct session s;
	struct ring_buffer *rb;		/* ours: reads with a budget (see on_record) */
	struct out_file json;
	FILE *devnull;			/* incidents' output without --json-out */
	struct detect_live dl;
	bool incident_written;
	uint64_t detect_period_ns;	/* between detector ticks now */
	int pid_fd;
	struct prom_totals totals;
	struct prom_daemon stats;
	uint64_t records;		/* consumed since the start */
	uint64_t budget;		/* records left for this read */
	/* Overload. */
	bool shedding;
	uint64_t shed_since_ns;
	uint64_t tick_records, tick_dropped, tick_produced;	/* at the last tick */
	const volatile uint64_t *producer_pos;	/* the ring buffer's, read-only; NULL: unknown */
	unsigned int calm_ticks;
};

static uint64_t unix_time_s(void)
{
	return (uint64_t)time(NULL);
}

/*
 * The daemon's own reader of the session's ring buffer: the same handling
 * as the session's, with a budget the daemon sets per read from its rate
 * limit (session_poll() has a fixed one), and a count of what it read.
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct daemon *d = ctx;
	struct session *s = &d->s;
	struct mt_event e;

	if (size < sizeof(e)) {
		s->bad_records++;
	} else {
		memcpy(&e, data, sizeof(e));	/* ring buffer records are only 8-byte aligned */
		agg_event(&s->agg, &e);
		if (s->on_event)
			s->on_event(s->on_event_ctx, &e);
	}
	d->records++;
	return --d->budget ? 0 : -E2BIG;
}

/* Read what the ring buffer holds, up to budget records. */
static int read_records(struct daemon *d, uint64_t budget)
{
	int n;

	d->budget = budget ? budget : 1;
	n = ring_buffer__consume(d->rb);
	return n == -EINTR || n == -E2BIG ? 0 : n;
}

static uint64_t kernel_dropped(const struct daemon *d)
{
	uint64_t n = 0;

	for (int t = 0; t < MT_EV_TYPE_MAX; t++)
		n += d->s.skel->bss->dropped[t];
	return n;
}

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

static void json_time(struct json *j)
{
	struct timespec ts;
	struct tm tm;
	char buf[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_str(j, "time", buf);
	json_u64(j, "unix_ns", (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec);
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

static void overload_line(struct daemon *d, uint64_t offered, uint64_t consumed)
{
	struct json j;

	fprintf(stderr, "migtrace: %s: %llu records/s offered, limit %lu\n",
		d->shedding ? "overloaded, sampling records (aggregate-only)" : "load back to normal",
		(unsigned long long)offered, opts.max_rate);
	if (!d->json.f)
		return;
	json_begin(&j, d->json.f, "overload");
	json_time(&j);
	json_str(&j, "state", d->shedding ? "shedding" : "normal");
	json_u64(&j, "offered_per_s", offered);
	json_u64(&j, "consumed_per_s", consumed);
	json_u64(&j, "max_event_rate", opts.max_rate);
	json_u64(&j, "shed_episodes", d->stats.shed_episodes);
	json_u64(&j, "shed_ns", d->stats.shed_ns);
	json_end(&j);
	note_output(d, out_file_flush(&d->json), d->json.path);
}

/* Records the kernel has put in the ring buffer since the start (all one size). */
static uint64_t kernel_produced(const struct daemon *d)
{
	/* Each record: an 8-byte header, then the event, rounded up to 8 bytes. */
	const uint64_t rec = (8 + sizeof(struct mt_event) + 7) & ~7ULL;

	return d->producer_pos ? __atomic_load_n(d->producer_pos, __ATOMIC_ACQUIRE) / rec :
				 d->records;
}

/*
 * Once a second: offered = records the kernel produced + records it dropped
 * for want of room (not what was consumed: a backlog read at the limit after
 * a storm is not a storm). At the limit, shed; back under half of it for
 * CALM_TICKS seconds, stop.
 */
static void overload_tick(struct daemon *d, uint64_t now)
{
	uint64_t dropped = kernel_dropped(d), produced = kernel_produced(d);
	uint64_t consumed = d->records - d->tick_records;
	uint64_t offered = (produced - d->tick_produced) + (dropped - d->tick_dropped);

	d->tick_records = d->records;
	d->tick_dropped = dropped;
	d->tick_produced = produced;
	if (!d->shedding) {
		if (offered < opts.max_rate)
			return;
		d->shedding = true;
		d->shed_since_ns = now;
		d->calm_ticks = 0;
		d->stats.shed_episodes++;
		overload_line(d, offered, consumed);
		return;
	}
	d->calm_ticks = offered < opts.max_rate / 2 ? d->calm_ticks + 1 : 0;
	if (d->calm_ticks < CALM_TICKS)
		return;
	d->shedding = false;
	d->stats.shed_ns += now - d->shed_since_ns;
	overload_line(d, offered, consumed);
}

/*
 * The detectors' tick reads every fault run still going: with many threads
 * (tens of thousands of entries) that is milliseconds of system time. Space
 * the ticks so that they cost at most 1/DETECT_SHARE of a CPU; incidents
 * are then seen a little later, never missed for good.
 */
static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

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

	d->incident_written = true;
}

static void interval_line(struct daemon *d, bool final)
{
	struct json j;

	json_begin(&j, d->json.f, "interval");
	json_time(&j);
	json_u64(&j, "seq", d->stats.intervals);
	json_bool(&j, "final", final);
	json_bool(&j, "shedding", d->shedding);
	json_u64(&j, "shed_episodes", d->stats.shed_episodes);
	json_u64(&j, "shed_ns", d->stats.shed_ns);
	json_u64(&j, "records", d->records);
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
	d->stats.intervals++;
	self_usage(&d->stats);
	d->stats.records = d->records;
	d->stats.detect_tick_ns = d->detect_period_ns;
	d->stats.holders_evicted = d->dl.det.holders_evicted;
	d->stats.incidents_dropped = d->dl.det.dropped_incidents;
	d->stats.shedding = d->shedding;
	if (d->shedding) {	/* count the episode so far */
		d->stats.shed_ns += now - d->shed_since_ns;
		d->shed_since_ns = now;
	}
	if (d->json.f) {
		interval_line(d, final);
		report_json(d->json.f, &r);
		note_output(d, out_file_flush(&d->json), d->json.path);
	}
	if (opts.prom_path) {
		d->stats.write_time_s = unix_time_s();
		if (output_replace(opts.prom_path, opts.prom_mode, prom_cb, d, err, sizeof(err)))
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
	uint64_t start = mono_ns(), next_report = start + opts.interval_s * NSEC_PER_SEC;
	uint64_t next_tick = start + TICK_NS, next_read = start;

	while (!signals_exiting() && !d->dl.triggered) {
		uint64_t now = mono_ns(), used = d->records - d->tick_records, wake;
		int n = 0;

		if (now >= next_read) {
			uint64_t budget = d->shedding ? opts.max_rate / SHED_POLLS :
					  used < opts.max_rate ? opts.max_rate - used : 0;

			if (budget)
				n = read_records(d, budget);
			next_read = now + (d->shedding ? SHED_READ_NS : READ_NS);
		}
		if (n < 0) {
			fprintf(stderr, "migtrace: reading the ring buffer failed: %s\n", strerror(-n));
			return 1;
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
			overload_tick(d, now);
			next_tick = now + TICK_NS;
		}
		if (now >= next_report) {
			emit(d, false, now);
			next_report += opts.interval_s * NSEC_PER_SEC;
			if (next_report <= now)	/* late (suspended): no burst of reports */
				next_report = now + opts.interval_s * NSEC_PER_SEC;
		}
		if (opts.duration_s && now - start >= opts.duration_s * NSEC_PER_SEC)
			break;
		wake = next_read < next_tick ? next_read : next_tick;
		if (d->dl.session && d->dl.next_tick < wake)
			wake = d->dl.next_tick;
		sleep_until(wake);	/* a signal cuts it short */
	}
	/* Take what is in the ring buffer (bounded) before the last report. */
	read_records(d, opts.max_rate);
	detect_live_finish(&d->dl, mono_ns());
	emit(d, true, mono_ns());
	return d->dl.triggered ? EXIT_INCIDENT : 0;
}

/* A PID file, locked for our lifetime: a second daemon on it is refused. */
static int pid_file_open(const char *path, char *err, size_t len)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0644);
	if (fd < 0) {
		snprintf(err, len, "%s: %s", path, errno == ELOOP ?
			 "a symbolic link: refusing to follow it" : strerror(errno));
		return -1;
	}
	if (!output_fd_safe(fd, path, err, len)) {
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, len, "%s: another migtrace daemon holds it (pid %s)", path,
			 buf[0] ? buf : "?");
		close(fd);
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, buf, n, 0) != n) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int start(struct daemon *d, char *err, size_t len)
{
	void *page;
	int ret;

	ret = check_capabilities(err, len);
	if (ret)
		return ret;
	if (opts.pid_path) {
		d->pid_fd = pid_file_open(opts.pid_path, err, len);
		if (d->pid_fd < 0)
			return -EEXIST;
	}
	/* Outputs before the BPF programs: a bad path costs nothing in the kernel. */
	if (opts.json_path && out_file_open(&d->json, opts.json_path, opts.json_mode, err, len))
		return -EIO;
	ret = session_open(&d->s, &opts.session, err, len);
	if (ret)
		return ret;
	d->rb = ring_buffer__new(bpf_map__fd(d->s.skel->maps.events), on_record, d, NULL);
	if (!d->rb) {
		snprintf(err, len, "creating the ring buffer reader failed: %s", strerror(errno));
		return -errno;
	}
	/* The producer position page, read-only, to measure the offered load. */
	page = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED,
		    bpf_map__fd(d->s.skel->maps.events), sysconf(_SC_PAGESIZE));
	if (page != MAP_FAILED)
		d->producer_pos = page;
	d->tick_produced = kernel_produced(d);
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
	d->stats.start_time_s = unix_time_s();
	if (d->json.f) {
		struct json j;

		json_begin(&j, d->json.f, "daemon");
		json_time(&j);
		json_u64(&j, "pid", getpid());
		json_u64(&j, "interval_s", opts.interval_s);
		json_u64(&j, "max_event_rate", opts.max_rate);
		json_end(&j);
		hooks_print_caps(d->json.f, d->s.hooks, true);
		note_output(d, out_file_flush(&d->json), d->json.path);
	}
	fprintf(stderr, "migtrace: daemon started (pid %d), reporting every %lus\n",
		(int)getpid(), opts.interval_s);
	return 0;
}

static void stop(struct daemon *d)
{
	detect_live_free(&d->dl);
	if (d->producer_pos)
		munmap((void *)d->producer_pos, sysconf(_SC_PAGESIZE));
	d->producer_pos = NULL;
	ring_buffer__free(d->rb);
	d->rb = NULL;
	session_close(&d->s);	/* detaches every link, frees every program and map */
	out_file_close(&d->json);
	if (d->devnull)
		fclose(d->devnull);
	if (d->pid_fd >= 0) {
		unlink(opts.pid_path);
		close(d->pid_fd);
	}
}

int cmd_daemon(int argc, char **argv)
{
	static const struct argp_child children[] = { { &detect_argp, 0, NULL, 1 }, {} };
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "", .doc = doc,
		.children = children,
	};
	static struct daemon d = { .pid_fd = -1 };
	char err[PATH_MAX + 256];
	int ret;

	argv[0] = "migtrace daemon";	/* for argp's messages */
	ret = argp_parse(&argp, argc, argv, 0, NULL, NULL);
	if (ret)
		return EXIT_USAGE;
	signals_install();
	umask(077);	/* anything created without an explicit mode is private */

	if (start(&d, err, sizeof(err))) {
		fprintf(stderr, "migtrace: %s\n", err);
		stop(&d);
		return 1;
	}
	ret = run(&d);
	stop(&d);
	fprintf(stderr, "migtrace: daemon stopped\n");
	return ret;
}

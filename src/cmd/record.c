// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace record -o FILE [OPTIONS] [-- COMMAND...]: trace the live kernel
 * into a record file: events as they come, a snapshot of the kernel's
 * aggregates every interval, and how the run ended.
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "cmd/commands.h"
#include "cmd/detect_opts.h"
#include "cmd/incident_log.h"
#include "cmd/kernel_log.h"
#include "cmd/parse.h"
#include "cmd/record_child.h"
#include "cmd/session_loop.h"
#include "cmd/signals.h"
#include "cmd/tracing_opts.h"
#include "cmd/version.h"
#include "kernel/clock.h"
#include "model/incident.h"
#include "output/incident_print.h"
#include "output/kreport_print.h"
#include "record/recording.h"
#include "record/snapshot_codec.h"

static struct options {
	const char *output;
	const char *label;
	bool force;
	bool only_command;		/* filter faults/migrations/locks to COMMAND's process */
	unsigned long runs;		/* --runs N: -o is a directory of N records */
	unsigned long interval_ms;
	char **command;
	const char *result_from;	/* --result-from */
} opts = {
	.interval_ms = 1000,
};

static const char doc[] =
"Record a run into FILE (mode 0600, zlib-compressed chunks that stay readable\n"
"when the run is killed) for 'migtrace report' and 'migtrace compare'.\n"
"\n"
"USAGE: migtrace record -o FILE [OPTIONS] [-- COMMAND [ARG...]]\n"
"       migtrace record -o DIR --runs N [OPTIONS] -- COMMAND [ARG...]\n"
"\n"
"With COMMAND, recording starts, COMMAND runs, and recording stops when it\n"
"exits; its exit status, wall time and last 'RESULT ...' line are kept.\n"
"Otherwise it stops after -d SECONDS, or at Ctrl-C / SIGTERM.\n"
"\n"
"EXAMPLES:\n"
"    migtrace record -o base.mtr --label baseline -d 30\n"
"    migtrace record -o fix-1.mtr --label drain-backoff -- ./migrepro -i 8\n"
"    migtrace report fix-1.mtr\n"
"    migtrace record -o runs/fix --runs 10 --label drain-backoff -- ./migrepro -i 8\n";

enum { OPT_ONLY_COMMAND = 1000, OPT_RUNS, OPT_RESULT_FROM };

static const struct argp_option options[] = {
	{ "output", 'o', "FILE", 0, "Record file to create (required)", 0 },
	{ "label", 'l', "NAME", 0, "Variant label (default: the kernel release)", 0 },
	{ "force", 'f', NULL, 0, "Replace FILE if it exists", 0 },
	{ "interval", 'i', "MS", 0, "Snapshot and flush interval in ms (default 1000)", 0 },
	{ "runs", OPT_RUNS, "N", 0,
	  "Run COMMAND N times, one record each: -o names a directory (created 0700), "
	  "the records are DIR/run-01.mtr .. run-N.mtr, for 'migtrace compare DIR ...'", 0 },
	{ "result-from", OPT_RESULT_FROM, "FILE", 0,
	  "Without COMMAND: at the end, keep FILE's last 'RESULT ...' line (a workload "
	  "started beside the recording)", 0 },
	{ "only-command", OPT_ONLY_COMMAND, NULL, 0,
	  "Like -p, for COMMAND's process (it starts once tracing is attached)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case 'o':
		opts.output = arg;
		break;
	case 'l':
		if (!*arg || strlen(arg) >= sizeof(((struct rec_header *)0)->label) ||
		    strpbrk(arg, "\n\r\t,"))
			argp_error(state, "invalid label (1-63 characters, no commas or newlines)");
		opts.label = arg;
		break;
	case 'f':
		opts.force = true;
		break;
	case 'i':
		if (!parse_ulong(arg, 3600 * 1000, &v) || v < 10)
			argp_error(state, "invalid interval: %s (10 ms .. 1 h)", arg);
		opts.interval_ms = v;
		break;
	case OPT_ONLY_COMMAND:
		opts.only_command = true;
		break;
	case OPT_RESULT_FROM:
		opts.result_from = arg;
		break;
	case OPT_RUNS:
		if (!parse_ulong(arg, 999, &v) || v < 1)
			argp_error(state, "invalid --runs: %s (1..999)", arg);
		opts.runs = v;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument: %s (a command goes after --)", arg);
		break;
	case ARGP_KEY_END:
		if (!opts.output)
			argp_error(state, "-o FILE is required");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* One recording: the loop, the file, the workload, how the run ends. */
struct recorder {
	struct session_loop *loop;
	struct kernel_log kernel_log;
	struct incident_log incident_log;	/* --kmsg */
	struct rec_writer w;
	struct child c;
	struct rec_end end;
	uint64_t start_ns;
};

static void on_event(void *ctx, const struct mt_event *e)
{
	struct recorder *r = ctx;

	rec_add_event(&r->w, e);	/* a failed write is kept in the writer's err */
}

/* Starts and ends (not updates) of incidents, as INCIDENT chunks. */
static void on_incident(void *ctx, const struct incident *inc)
{
	struct recorder *r = ctx;
	struct rec_incident ri = { .cpu = -1 };
	char buf[1024];
	int n;

	incident_print(stderr, inc, false, detect_opts.stacks);
	if (inc->state == INC_UPDATE)
		return;
	snprintf(ri.kind, sizeof(ri.kind), "%s", incident_kind_name(inc->kind));
	ri.end = inc->state == INC_END;
	ri.id = inc->id;
	ri.start_ns = inc->start_ts;
	ri.duration_ns = inc->last_ts - inc->start_ts;
	if (inc->cpu < MT_MAX_CPUS)
		ri.cpu = inc->cpu;
	ri.pid = inc->has_spinner ? inc->spinner.pid : inc->has_waiter ? inc->waiter.pid : 0;
	incident_detail(inc, ri.detail, sizeof(ri.detail));
	n = rec_incident_format(&ri, buf, sizeof(buf));
	if (n > 0)
		rec_write_chunk(&r->w, REC_INCIDENT, buf, n);
}

/* Every kernel report, joined or not, as a KERNEL_REPORT chunk; the unjoined on stderr. */
static void on_kernel_report(void *ctx, const struct kernel_report *kr)
{
	struct recorder *r = ctx;
	char buf[1024];
	int n;

	if (!kr->incident_id)
		kreport_print(stderr, kr, false);
	n = rec_kreport_format(kr, buf, sizeof(buf));
	if (n > 0)
		rec_write_chunk(&r->w, REC_KERNEL_REPORT, buf, n);
}

/* Each interval and at the end: the snapshot, after the events before it. */
static void on_interval(void *ctx, uint64_t now, bool final)
{
	static struct snapshot snap;	/* large: per-CPU histograms */
	struct recorder *r = ctx;
	size_t len;
	void *p;

	(void)final;
	memset(&snap, 0, sizeof(snap));
	session_loop_snapshot(r->loop, &snap);
	p = rec_snapshot_encode(&snap, now, &len);
	if (!p)
		return;
	if (!rec_flush_events(&r->w) && !rec_write_chunk(&r->w, REC_SNAPSHOT, p, len))
		rec_sync_background(&r->w);
	free(p);
}

/* Events reach the file within a second even with long intervals. */
static void on_second(void *ctx, uint64_t now)
{
	struct recorder *r = ctx;

	(void)now;
	rec_flush_events(&r->w);
}

/* The workload's output relayed; its exit, or a failed write, ends the run. */
static bool on_poll(void *ctx, uint64_t now)
{
	struct recorder *r = ctx;

	(void)now;
	child_relay(&r->c, &r->end);
	child_reap(&r->c, WNOHANG);
	if (r->c.exited) {
		snprintf(r->end.reason, sizeof(r->end.reason), "command");
		return true;
	}
	return r->w.err != 0;
}

static void on_stopping(void *ctx)
{
	struct recorder *r = ctx;

	child_stop(&r->c);
	child_relay(&r->c, &r->end);
	if (r->c.line_len)	/* a last line without its newline */
		child_line_done(&r->c, &r->end);
}

static int write_header(struct recorder *r)
{
	const struct session *s = session_loop_session(r->loop);
	struct rec_header h = {};
	struct timespec rt;
	char buf[8192];
	size_t off = 0;
	int n;

	rec_header_fill_host(&h);
	snprintf(h.tool, sizeof(h.tool), "%s", MIGTRACE_VERSION);
	snprintf(h.label, sizeof(h.label), "%.63s", opts.label ? opts.label : h.kernel);
	for (char **a = opts.command; a && *a && off < sizeof(h.command) - 1; a++)
		off += snprintf(h.command + off, sizeof(h.command) - off, "%s%s",
				a == opts.command ? "" : " ", *a);
	h.ncpus = session_ncpus(s);
	clock_gettime(CLOCK_REALTIME, &rt);
	h.start_realtime_ns = (uint64_t)rt.tv_sec * NSEC_PER_SEC + rt.tv_nsec;
	h.start_mono_ns = session_start_ns(s);
	h.interval_ms = opts.interval_ms;
	h.event_size = sizeof(struct mt_event);
	h.filter_pid = tracing_opts.session.tgid;
	h.filter_cpu = tracing_opts.session.cpu;
	h.detect = session_loop_detecting(r->loop);
	h.kernel_log = *kernel_log_state(&r->kernel_log);
	memcpy(h.hooks, session_hooks(s), sizeof(h.hooks));
	n = rec_header_format(&h, buf, sizeof(buf));
	if (n < 0)
		return n;
	return rec_write_chunk(&r->w, REC_HEADER, buf, n) ?: rec_sync(&r->w);
}

static int write_end(struct recorder *r)
{
	const struct child *c = &r->c;
	char buf[2048];
	int n;

	r->end.wall_ns = (c->pid > 0 ? (c->exited ? c->end_ns : mono_ns()) - c->start_ns
				     : mono_ns() - r->start_ns);
	if (c->pid > 0 && c->exited) {
		r->end.has_exit = true;
		r->end.exit_status = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
		r->end.exit_signal = WIFSIGNALED(c->status) ? WTERMSIG(c->status) : 0;
	}
	r->end.has_kernel_log = kernel_log_state(&r->kernel_log)->known;
	r->end.kernel_log_records = kernel_log_state(&r->kernel_log)->records;
	r->end.kernel_log_lost = kernel_log_state(&r->kernel_log)->lost;
	n = rec_end_format(&r->end, buf, sizeof(buf));
	return n < 0 ? n : rec_write_chunk(&r->w, REC_END, buf, n);
}

static int run(struct recorder *r)
{
	static const char *const reasons[] = {
		[LOOP_SIGNAL] = "signal", [LOOP_DURATION] = "duration", [LOOP_INCIDENT] = "incident",
		[LOOP_READ_ERROR] = "error",
	};
	enum loop_end why;

	r->start_ns = mono_ns();
	if (r->c.pid > 0)
		child_release(&r->c);
	why = session_loop_run(r->loop);
	if (why != LOOP_STOPPED && why < sizeof(reasons) / sizeof(reasons[0]) && reasons[why])
		snprintf(r->end.reason, sizeof(r->end.reason), "%s", reasons[why]);
	else if (!r->end.reason[0])	/* stopped by a failed write */
		snprintf(r->end.reason, sizeof(r->end.reason), "error");
	if (opts.result_from && r->c.pid <= 0)
		child_result_from_file(opts.result_from, &r->end);
	write_end(r);
	if (r->w.err) {
		fprintf(stderr, "migtrace record: writing %s failed at offset %llu: %s\n",
			opts.output, (unsigned long long)r->w.offset, strerror(-r->w.err));
		return EXIT_ERROR;
	}
	return why == LOOP_READ_ERROR ? EXIT_ERROR : EXIT_OK;
}

/* One recorded run into opts.output. */
static int record_one(void)
{
	static struct recorder r = { .c = { .pid = -1, .out_fd = -1, .go_fd = -1 } };
	struct loop_options lo = {
		.interval_ns = opts.interval_ms * NSEC_PER_MSEC,
		.duration_ns = tracing_opts.duration_s * NSEC_PER_SEC, .detect = &detect_opts,
	};
	struct loop_callbacks cb = {
		.ctx = &r, .event = on_event, .incident = on_incident, .poll = on_poll,
		.second = on_second, .interval = on_interval, .stopping = on_stopping,
		.kernel_report = on_kernel_report,
	};
	struct session *s = NULL;
	char err[512];
	int ret = EXIT_ERROR;

	if (opts.command && child_spawn(&r.c, opts.command, err, sizeof(err))) {
		fprintf(stderr, "migtrace record: %s\n", err);
		return EXIT_ERROR;
	}
	if (opts.only_command)
		tracing_opts.session.tgid = r.c.pid;
	if (session_open(&s, &tracing_opts.session, err, sizeof(err)) ||
	    rec_create(&r.w, opts.output, opts.force, err, sizeof(err)) ||
	    session_loop_start(&r.loop, s, &lo, err, sizeof(err))) {
		fprintf(stderr, "migtrace record: %s\n", err);
		goto cleanup;
	}
	if (session_loop_add(r.loop, &cb) || kernel_log_add(&r.kernel_log, r.loop) ||
	    (detect_opts.kmsg && incident_log_add(&r.incident_log, r.loop))) {
		fprintf(stderr, "migtrace record: no room for the record's parties\n");
		goto cleanup;
	}
	if (write_header(&r)) {
		fprintf(stderr, "migtrace record: writing %s failed: %s\n", opts.output,
			strerror(-r.w.err));
		goto cleanup;
	}
	fprintf(stderr, "Recording to %s... %s\n", opts.output,
		opts.command || tracing_opts.duration_s ? "" : "Hit Ctrl-C to end.");
	ret = run(&r);
cleanup:
	if (rec_close(&r.w) && !ret) {
		fprintf(stderr, "migtrace record: closing %s failed\n", opts.output);
		ret = EXIT_ERROR;
	}
	if (r.c.go_fd >= 0) {	/* never released: it exits without running */
		close(r.c.go_fd);
		child_reap(&r.c, 0);
	}
	if (r.c.out_fd >= 0)
		close(r.c.out_fd);
	incident_log_close(&r.incident_log);
	kernel_log_close(&r.kernel_log);
	session_loop_free(r.loop);
	session_close(s);
	return ret;
}

/*
 * --runs N: DIR/run-01.mtr .. run-N.mtr, COMMAND run once for each, each
 * run recorded by a child process of its own (fresh BPF state, detectors
 * and writer), one after the other. Stops at the first failed recording
 * or when asked to (SIGINT, SIGTERM).
 */
static int record_runs(void)
{
	const char *dir = opts.output;
	int width = opts.runs >= 100 ? 3 : 2, ret = 0;
	char path[4096];

	if (mkdir(dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "migtrace record: %s: %s\n", dir, strerror(errno));
		return EXIT_ERROR;
	}
	for (unsigned long i = 1; i <= opts.runs && !signals_exiting() && !ret; i++) {
		int status;
		pid_t pid;

		snprintf(path, sizeof(path), "%s/run-%0*lu.mtr", dir, width, i);
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			fprintf(stderr, "migtrace record: fork: %s\n", strerror(errno));
			return EXIT_ERROR;
		}
		if (pid == 0) {
			opts.output = path;
			fflush(NULL);
			_exit(record_one());
		}
		fprintf(stderr, "migtrace record: run %lu of %lu: %s\n", i, opts.runs, path);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "migtrace record: run %lu failed; stopping\n", i);
			ret = EXIT_ERROR;
		}
	}
	return ret;
}

int cmd_record(int argc, char **argv)
{
	static const struct argp_child children[] = { { &tracing_argp, 0, NULL, 1 }, { &detect_argp, 0, NULL, 2 }, {} };
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "[-- COMMAND [ARG...]]",
		.doc = doc, .children = children,
	};
	int nopt = argc;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			nopt = i;
			opts.command = i + 1 < argc ? argv + i + 1 : NULL;
			break;
		}
	if (nopt < argc && !opts.command) {
		fprintf(stderr, "migtrace record: nothing after --\n");
		return EXIT_USAGE;
	}
	argv[0] = (char *)"migtrace record";	/* what argp names in its messages */
	if (argp_parse(&argp, nopt, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	if (opts.only_command && (!opts.command || tracing_opts.session.tgid)) {
		fprintf(stderr, "migtrace record: --only-command needs a command and no -p\n");
		return EXIT_USAGE;
	}
	if (opts.runs && !opts.command) {
		fprintf(stderr, "migtrace record: --runs needs a command (-- COMMAND)\n");
		return EXIT_USAGE;
	}
	signals_install();
	return opts.runs ? record_runs() : record_one();
}

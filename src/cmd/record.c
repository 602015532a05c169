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
#include "record/snapshot_codec.h"
#include "cmd/detect_opts.h"
#include "output/incident_print.h"
#include "cmd/commands.h"
#include "cmd/version.h"
#include "kernel/detect_live.h"
#include "model/incident.h"
#include "record/recording.h"
#include "kernel/session.h"
#include "cmd/tracing_opts.h"
#include "cmd/signals.h"
#include "cmd/parse.h"
#include "kernel/clock.h"
#include "cmd/record_child.h"

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

static struct detect_live detectors;

static void record_sink(void *ctx, const struct mt_event *e)
{
	rec_add_event(ctx, e);	/* a failed write is kept in the writer's err */
}

/* Starts and ends (not updates) of incidents, as INCIDENT chunks. */
static void on_incident(void *ctx, const struct incident *inc)
{
	struct rec_incident ri = { .cpu = -1 };
	char buf[1024];
	FILE *f;
	int n;

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
	f = fmemopen(ri.detail, sizeof(ri.detail), "w");
	if (f) {
		incident_print_text(f, inc);
		fclose(f);
		ri.detail[strcspn(ri.detail, "\n")] = 0;
	}
	n = rec_incident_format(&ri, buf, sizeof(buf));
	if (n > 0)
		rec_write_chunk(ctx, REC_INCIDENT, buf, n);
}

static int write_snapshot(struct session *s, struct rec_writer *w)
{
	static struct snapshot r;	/* large: per-CPU histograms */
	size_t len;
	void *p;
	int ret;

	memset(&r, 0, sizeof(r));
	session_snapshot(s, &r);
	p = rec_snapshot_encode(&r, mono_ns(), &len);
	if (!p)
		return -ENOMEM;
	ret = rec_flush_events(w);
	if (!ret)
		ret = rec_write_chunk(w, REC_SNAPSHOT, p, len);
	free(p);
	return ret ? ret : rec_sync_background(w);
}

static int write_header(struct session *s, struct rec_writer *w)
{
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
	h.ncpus = s->ncpus;
	clock_gettime(CLOCK_REALTIME, &rt);
	h.start_realtime_ns = (uint64_t)rt.tv_sec * NSEC_PER_SEC + rt.tv_nsec;
	h.start_mono_ns = s->start_ns;
	h.interval_ms = opts.interval_ms;
	h.event_size = sizeof(struct mt_event);
	h.filter_pid = tracing_opts.session.tgid;
	h.filter_cpu = tracing_opts.session.cpu;
	h.detect = detectors.session != NULL;
	memcpy(h.hooks, s->hooks, sizeof(h.hooks));
	n = rec_header_format(&h, buf, sizeof(buf));
	if (n < 0)
		return n;
	return rec_write_chunk(w, REC_HEADER, buf, n) ?: rec_sync(w);
}

static int write_end(struct rec_writer *w, struct rec_end *end, const struct child *c,
		     uint64_t start_ns)
{
	char buf[2048];
	int n;

	end->wall_ns = (c->pid > 0 ? (c->exited ? c->end_ns : mono_ns()) - c->start_ns
				   : mono_ns() - start_ns);
	if (c->pid > 0 && c->exited) {
		end->has_exit = true;
		end->exit_status = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
		end->exit_signal = WIFSIGNALED(c->status) ? WTERMSIG(c->status) : 0;
	}
	n = rec_end_format(end, buf, sizeof(buf));
	return n < 0 ? n : rec_write_chunk(w, REC_END, buf, n);
}

static int run(struct session *s, struct rec_writer *w, struct child *c)
{
	uint64_t start = mono_ns(), step = opts.interval_ms * NSEC_PER_MSEC, next = start + step;
	uint64_t next_flush = start + NSEC_PER_SEC;
	struct rec_end end = {};
	int ret;

	snprintf(end.reason, sizeof(end.reason), "signal");
	if (c->pid > 0)
		child_release(c);
	while (!signals_exiting()) {
		uint64_t now;

		ret = session_poll_batch(s, SESSION_POLL_BUDGET);
		if (ret < 0) {
			fprintf(stderr, "migtrace record: reading the ring buffer failed: %s\n",
				strerror(-ret));
			break;
		}
		child_relay(c, &end);
		child_reap(c, WNOHANG);
		if (c->exited) {
			snprintf(end.reason, sizeof(end.reason), "command");
			break;
		}
		now = mono_ns();
		detect_live_poll(&detectors, now);
		if (detectors.triggered) {
			snprintf(end.reason, sizeof(end.reason), "incident");
			break;
		}
		/* Events reach the file within a second even with long intervals. */
		if (now >= next_flush) {
			rec_flush_events(w);
			next_flush = now + NSEC_PER_SEC;
		}
		if (now >= next) {
			write_snapshot(s, w);
			next += step;
			if (next < now)
				next = now + step;
		}
		if (tracing_opts.duration_s && now - start >= tracing_opts.duration_s * NSEC_PER_SEC) {
			snprintf(end.reason, sizeof(end.reason), "duration");
			break;
		}
		if (w->err)
			break;
	}
	child_stop(c);
	child_relay(c, &end);
	if (c->line_len)	/* a last line without its newline */
		child_line_done(c, &end);
	/* What is still in the ring buffer goes in before the last snapshot. */
	session_poll(s, 0, SESSION_POLL_BUDGET);
	detect_live_finish(&detectors);
	write_snapshot(s, w);
	if (opts.result_from && c->pid <= 0)
		child_result_from_file(opts.result_from, &end);
	write_end(w, &end, c, start);
	if (w->err) {
		fprintf(stderr, "migtrace record: writing %s failed at offset %llu: %s\n",
			opts.output, (unsigned long long)w->offset, strerror(-w->err));
		return EXIT_ERROR;
	}
	return 0;
}

/* One recorded run into opts.output. */
static int record_one(void)
{
	static struct session s;
	static struct rec_writer w;
	struct child c = { .pid = -1, .out_fd = -1, .go_fd = -1 };
	char err[512];
	int ret;

	if (opts.command && child_spawn(&c, opts.command, err, sizeof(err))) {
		fprintf(stderr, "migtrace record: %s\n", err);
		return EXIT_ERROR;
	}

	if (opts.only_command)
		tracing_opts.session.tgid = c.pid;

	if (session_open(&s, &tracing_opts.session, err, sizeof(err))) {
		fprintf(stderr, "migtrace record: %s\n", err);
		ret = EXIT_ERROR;
		goto cleanup;
	}
	if (rec_create(&w, opts.output, opts.force, err, sizeof(err))) {
		fprintf(stderr, "migtrace record: %s\n", err);
		ret = EXIT_ERROR;
		goto cleanup;
	}
	if (detect_live_start(&detectors, &s, &detect_opts, stderr, false)) {
		fprintf(stderr, "migtrace record: out of memory\n");
		ret = EXIT_ERROR;
		goto cleanup;
	}
	detectors.on_incident = on_incident;
	detectors.on_incident_ctx = &w;
	if (session_add_sink(&s, record_sink, &w)) {
		fprintf(stderr, "migtrace record: no room for the record's event sink\n");
		ret = EXIT_ERROR;
		goto cleanup;
	}
	if (write_header(&s, &w)) {
		fprintf(stderr, "migtrace record: writing %s failed: %s\n", opts.output,
			strerror(-w.err));
		ret = EXIT_ERROR;
		goto cleanup;
	}
	fprintf(stderr, "Recording to %s... %s\n", opts.output,
		opts.command || tracing_opts.duration_s ? "" : "Hit Ctrl-C to end.");
	ret = run(&s, &w, &c);
cleanup:
	if (rec_close(&w) && !ret) {
		fprintf(stderr, "migtrace record: closing %s failed\n", opts.output);
		ret = EXIT_ERROR;
	}
	if (c.go_fd >= 0) {	/* never released: it exits without running */
		close(c.go_fd);
		child_reap(&c, 0);
	}
	if (c.out_fd >= 0)
		close(c.out_fd);
	detect_live_free(&detectors);
	session_close(&s);
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

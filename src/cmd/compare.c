// SPDX-License-Identifier: GPL-2.0
/*
 * migtrace compare A B [C ...]: variants (one record, a comma-separated
 * list of records, or a directory of *.mtr records each) compared metric by
 * metric against the first, in mmtests' compare-kernels layout.
 */
#include <argp.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cmd/commands.h"
#include "compare/compare.h"
#include "compare/plot.h"
#include "cmd/parse.h"

#define MAX_RUNS COMPARE_MAX_RUNS

static struct options {
	char *args[COMPARE_MAX_VARIANTS];
	size_t nargs;
	bool json, markdown, force, quiet, no_gnuplot;
	const char *plot_dir;
	struct compare_opts cmp;
} opts;

static const char doc[] =
"Compare recorded runs of variants (kernels, patches, settings). The run is\n"
"the unit of inference: per-run statistics (max and p99 of the straggler and\n"
"drain waits, stalls, livelocked, retries per migration, lock hold, throughput)\n"
"are tested with exact permutation or Fisher tests, Holm-adjusted, with\n"
"bootstrap CIs over runs; one run a side gets within-run tests, labelled so.\n"
"Pooled samples and per-CPU drain waits are shown, not tested. Records whose\n"
"conditions (kernel version, CPUs, virtualization, CPU model, hook\n"
"mechanisms) differ are refused unless --force.\n"
"\n"
"USAGE: migtrace compare [OPTIONS] VARIANT VARIANT...\n"
"\n"
"A VARIANT is a record file, a comma-separated list of record files (runs),\n"
"or a directory whose *.mtr files are its runs. Its name is the label its\n"
"runs were recorded with (record --label), else the argument.\n"
"\n"
"EXAMPLES:\n"
"    migtrace compare base.mtr fix.mtr\n"
"    migtrace compare base-1.mtr,base-2.mtr,base-3.mtr fix-1.mtr,fix-2.mtr,fix-3.mtr\n"
"    migtrace compare --markdown --plot plots/ runs/baseline runs/drain-backoff\n"
"    migtrace compare --stall-threshold-ms 5 runs/base runs/fix\n";

enum { OPT_PLOT = 1000, OPT_ALPHA, OPT_BOOT, OPT_SEED, OPT_PERMS, OPT_STALL, OPT_NO_GNUPLOT };

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "JSON lines: conditions, then per run, per run-level row and variant (inference), per pooled metric and variant, per CPU", 0 },
	{ "markdown", 'm', NULL, 0, "A Markdown table", 0 },
	{ "plot", OPT_PLOT, "DIR", 0, "CDF charts per metric and a summary, PNG and SVG, into DIR", 0 },
	{ "no-gnuplot", OPT_NO_GNUPLOT, NULL, 0, "With --plot: write data and scripts only", 0 },
	{ "force", 'f', NULL, 0, "Compare even when the run conditions differ", 0 },
	{ "stall-threshold-ms", OPT_STALL, "MS", 0,
	  "A drain wait this long or longer is a stall (1); declare it before looking", 0 },
	{ "alpha", OPT_ALPHA, "P", 0, "Significance level after Holm's adjustment (0.05)", 0 },
	{ "permutations", OPT_PERMS, "N", 0,
	  "Random splits when exact enumeration is too large (20000)", 0 },
	{ "bootstrap", OPT_BOOT, "N", 0, "Bootstrap resamples for the CI (2000)", 0 },
	{ "seed", OPT_SEED, "N", 0, "Seed of the bootstrap and of Monte Carlo permutations (1): same input, same output", 0 },
	{ "quiet", 'q', NULL, 0, "No warnings about damaged records", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show this help", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	unsigned long v;
	char *end;

	switch (key) {
	case 'j': opts.json = true; break;
	case 'm': opts.markdown = true; break;
	case 'f': opts.force = true; break;
	case 'q': opts.quiet = true; break;
	case OPT_PLOT: opts.plot_dir = arg; break;
	case OPT_NO_GNUPLOT: opts.no_gnuplot = true; break;
	case OPT_ALPHA:
		opts.cmp.alpha = strtod(arg, &end);
		if (*end || !(opts.cmp.alpha > 0 && opts.cmp.alpha < 0.5))
			argp_error(state, "invalid alpha: %s (0 < P < 0.5)", arg);
		break;
	case OPT_STALL:
		opts.cmp.stall_ms = strtod(arg, &end);
		if (*end || !(opts.cmp.stall_ms > 0 && opts.cmp.stall_ms <= 3600e3))
			argp_error(state, "invalid --stall-threshold-ms: %s (0 < MS <= 3600000)", arg);
		break;
	case OPT_PERMS:
		if (!parse_ulong(arg, 10000000, &v) || v < 1000)
			argp_error(state, "invalid --permutations: %s (1000..10000000)", arg);
		opts.cmp.perm_reps = v;
		break;
	case OPT_BOOT:
		if (!parse_ulong(arg, 1000000, &v) || v < 100)
			argp_error(state, "invalid --bootstrap: %s (100..1000000)", arg);
		opts.cmp.reps = v;
		break;
	case OPT_SEED:
		if (!parse_ulong(arg, ULONG_MAX, &v))
			argp_error(state, "invalid seed: %s", arg);
		opts.cmp.seed = v;
		break;
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case ARGP_KEY_ARG:
		if (opts.nargs == COMPARE_MAX_VARIANTS)
			argp_error(state, "at most %d variants", COMPARE_MAX_VARIANTS);
		opts.args[opts.nargs++] = arg;
		break;
	case ARGP_KEY_END:
		if (opts.nargs < 2)
			argp_error(state, "two variants or more are needed");
		if (opts.json + opts.markdown > 1)
			argp_error(state, "--json or --markdown, not both");
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
		fprintf(stderr, "migtrace compare: warning: %s\n", msg);
}

static int is_record_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".mtr");
}

static int add_run(struct variant *v, const char *path)
{
	char err[512];

	if (v->nruns == MAX_RUNS) {
		fprintf(stderr, "migtrace compare: %s: more than %d runs\n", v->name, MAX_RUNS);
		return -E2BIG;
	}
	if (samples_load(path, &v->runs[v->nruns], warn, NULL, err, sizeof(err))) {
		fprintf(stderr, "migtrace compare: %s\n", err);
		return -EINVAL;
	}
	v->nruns++;
	return 0;
}

static int add_dir(struct variant *v, const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, is_record_name, alphasort), ret = 0;

	if (n < 0) {
		fprintf(stderr, "migtrace compare: %s: %s\n", dir, strerror(errno));
		return -errno;
	}
	if (!n)
		fprintf(stderr, "migtrace compare: %s: no *.mtr records\n", dir);
	for (int i = 0; i < n; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!ret)
			ret = add_run(v, path);
		free(names[i]);
	}
	free(names);
	return n ? ret : -ENOENT;
}

/* One argument: a file, a directory, or a comma-separated list of them. */
static int load_variant(struct variant *v, const char *arg)
{
	char *list = strdup(arg), *save = NULL;
	int ret = 0;

	v->runs = calloc(MAX_RUNS, sizeof(*v->runs));
	if (!list || !v->runs) {
		free(list);
		return -ENOMEM;
	}
	for (char *p = strtok_r(list, ",", &save); p && !ret; p = strtok_r(NULL, ",", &save)) {
		struct stat st;

		ret = !stat(p, &st) && S_ISDIR(st.st_mode) ? add_dir(v, p) : add_run(v, p);
	}
	free(list);
	if (!ret && !v->nruns)
		ret = -ENOENT;
	if (ret)
		return ret;
	/* Named by its runs' common label, else by what was typed. */
	snprintf(v->name, sizeof(v->name), "%s", v->runs[0].run.hdr.label);
	for (size_t r = 1; r < v->nruns; r++)
		if (strcmp(v->runs[r].run.hdr.label, v->name)) {
			snprintf(v->name, sizeof(v->name), "%.63s", arg);
			break;
		}
	return 0;
}

static void unique_names(struct variant *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(v[i].name, v[j].name)) {
				char name[64];

				snprintf(name, sizeof(name), "%.55s#%zu", v[i].name, i + 1);
				snprintf(v[i].name, sizeof(v[i].name), "%s", name);
			}
}

static void free_variants(struct variant *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t r = 0; r < v[i].nruns; r++)
			run_samples_free(&v[i].runs[r]);
		free(v[i].runs);
	}
}

int cmd_compare(int argc, char **argv)
{
	static const struct argp argp = {
		.options = options, .parser = parse_arg, .args_doc = "VARIANT VARIANT...", .doc = doc,
	};
	static struct variant v[COMPARE_MAX_VARIANTS];
	static struct comparison cmp;
	size_t n = 0;
	int ret = EXIT_ERROR;

	compare_opts_defaults(&opts.cmp);
	argv[0] = (char *)"migtrace compare";	/* what argp names in its messages */
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		return EXIT_USAGE;
	for (; n < opts.nargs; n++)
		if (load_variant(&v[n], opts.args[n])) {
			n++;
			goto cleanup;
		}
	unique_names(v, n);
	compare_compute(&cmp, v, n, &opts.cmp);
	if (cmp.cond.differ && !opts.force) {
		fprintf(stderr, "migtrace compare: run conditions differ; refusing to compare "
			"(--force compares anyway):\n%s", cmp.cond.differences);
		goto cleanup;
	}
	if (opts.json)
		compare_print_json(stdout, &cmp);
	else if (opts.markdown)
		compare_print_markdown(stdout, &cmp);
	else
		compare_print_text(stdout, &cmp);
	ret = 0;
	if (opts.plot_dir) {
		char err[512];
		int charts = plot_write(&cmp, opts.plot_dir, !opts.no_gnuplot, err, sizeof(err));

		if (charts < 0) {
			fprintf(stderr, "migtrace compare: plots: %s\n", err);
			ret = EXIT_ERROR;
		} else if (!opts.json) {
			fprintf(stderr, "migtrace compare: %d charts and a summary in %s\n", charts,
				opts.plot_dir);
		}
	}
	if (fflush(stdout) || ferror(stdout))
		ret = EXIT_ERROR;
cleanup:
	free_variants(v, n);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "compare/plot.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The empirical CDF, at most PLOT_POINTS_MAX points. */
static int write_cdf(const char *path, struct samples *s)
{
	FILE *f = fopen(path, "we");
	size_t step;

	if (!f)
		return -errno;
	qsort(s->v, s->n, sizeof(double), cmp_double);
	step = s->n > PLOT_POINTS_MAX ? s->n / PLOT_POINTS_MAX : 1;
	for (size_t i = 0; i < s->n; i += step)
		fprintf(f, "%.9g %.6f\n", s->v[i], (double)(i + 1) / s->n);
	fprintf(f, "%.9g 1\n", s->v[s->n - 1]);
	return fclose(f) ? -errno : 0;
}

/* Titles go inside single quotes: no quote may end them early. */
static void quote_safe(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
	for (char *c = dst; *c; c++)
		if (*c == '\'' || *c == '\\' || (unsigned char)*c < 0x20)
			*c = '_';
}

static void plot_cmd(FILE *f, const struct comparison *c, int m, bool small)
{
	const struct compare_metric *d = &compare_metrics[m];
	bool first = true, logx = !d->per_run && strstr(d->name, "_us");
	char title[160], what[160];

	compare_metric_title(d, what, sizeof(what));
	quote_safe(title, sizeof(title), what);
	fprintf(f, "set title '%s'\nset xlabel '%s'\nset ylabel 'fraction <= x'\n", title,
		d->name);
	fprintf(f, "set key %s bottom right\nset grid\nset yrange [0:1.02]\n",
		small ? "font ',7'" : "");
	/* Latencies span decades; a log axis needs every x > 0. */
	for (size_t i = 0; i < c->nvariants && logx; i++)
		if (c->cells[m][i].present && !(c->cells[m][i].s.min > 0))
			logx = false;
	fprintf(f, logx ? "set logscale x\n" : "unset logscale x\n");
	fprintf(f, "plot");
	for (size_t i = 0; i < c->nvariants; i++) {
		if (!c->cells[m][i].present)
			continue;
		quote_safe(title, sizeof(title), c->v[i].name);
		/* lc by variant: a variant keeps its colour on every chart. */
		fprintf(f, "%s '%s.%zu.dat' using 1:2 with steps lw 2 lc %zu title '%s (%zu runs)'",
			first ? "" : ",", d->name, i, i + 1, title, c->cells[m][i].nruns);
		first = false;
	}
	fputc('\n', f);
}

static int run_gnuplot(const char *dir, const char *script)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int log;

		if (chdir(dir))
			_exit(126);
		/* Its warnings (flat data, say) are not ours to print. */
		log = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log >= 0) {
			dup2(log, STDOUT_FILENO);
			dup2(log, STDERR_FILENO);
		}
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -EIO;
}

static int metric_chart(const struct comparison *c, const char *dir, int m)
{
	const char *name = compare_metrics[m].name;
	char path[4096];
	FILE *f;

	for (size_t i = 0; i < c->nvariants; i++) {
		struct samples s = {};
		int ret;

		if (!c->cells[m][i].present)
			continue;
		compare_gather(&c->v[i], m, &s, NULL);
		snprintf(path, sizeof(path), "%s/%s.%zu.dat", dir, name, i);
		ret = s.n ? write_cdf(path, &s) : 0;
		samples_free(&s);
		if (ret)
			return ret;
	}
	snprintf(path, sizeof(path), "%s/%s.gp", dir, name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	for (int fmt = 0; fmt < 2; fmt++) {
		fprintf(f, fmt ? "set terminal svg size 900,560 noenhanced\nset output '%s.svg'\n"
			       : "set terminal pngcairo size 900,560 noenhanced\nset output '%s.png'\n",
			name);
		plot_cmd(f, c, m, false);
	}
	return fclose(f) ? -errno : 0;
}

static int summary_chart(const struct comparison *c, const char *dir, int charts)
{
	int cols = charts > 4 ? 3 : 2, rows = (charts + cols - 1) / cols;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/summary.gp", dir);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	for (int fmt = 0; fmt < 2; fmt++) {
		fprintf(f, "set terminal %s size %d,%d noenhanced\nset output 'summary.%s'\n",
			fmt ? "svg" : "pngcairo", cols * 520, rows * 360, fmt ? "svg" : "png");
		fprintf(f, "set multiplot layout %d,%d title 'migtrace compare: CDF per metric'\n",
			rows, cols);
		for (int m = 0; m < M_MAX; m++)
			for (size_t i = 0; i < c->nvariants; i++)
				if (c->cells[m][i].present) {
					plot_cmd(f, c, m, true);
					break;
				}
		fprintf(f, "unset multiplot\n");
	}
	return fclose(f) ? -errno : 0;
}

int plot_write(const struct comparison *c, const char *dir, bool run, char *err, size_t len)
{
	int charts = 0, ret;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, len, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	for (int m = 0; m < M_MAX; m++) {
		bool any = false;

		for (size_t i = 0; i < c->nvariants; i++)
			any |= c->cells[m][i].present;
		if (!any)
			continue;
		ret = metric_chart(c, dir, m);
		if (ret) {
			snprintf(err, len, "%s: writing %s data: %s", dir, compare_metrics[m].name,
				 strerror(-ret));
			return ret;
		}
		charts++;
		if (!run)
			continue;
		char script[80];

		snprintf(script, sizeof(script), "%s.gp", compare_metrics[m].name);
		ret = run_gnuplot(dir, script);
		if (ret == -ENOENT)
			snprintf(err, len, "gnuplot not found (apt-get install gnuplot-nox); "
				 "the scripts are in %s", dir);
		else if (ret)
			snprintf(err, len, "gnuplot failed on %s/%s", dir, script);
		if (ret)
			return ret;
	}
	if (!charts)
		return 0;
	ret = summary_chart(c, dir, charts);
	if (!ret && run)
		ret = run_gnuplot(dir, "summary.gp");
	if (ret) {
		snprintf(err, len, "%s/summary: %s", dir, strerror(-ret));
		return ret;
	}
	return charts;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for 'migtrace compare': two records in one input go
 * through the metrics loader, the descriptive and run-level comparison
 * (one run a side, then two a side: A,B against B,A) and every renderer.
 * Input: a little-endian u32 length of record A (clamped to what follows),
 * A, then B (the rest). Seeds: tests/fuzz/compare-seeds.sh. Build and run:
 * make fuzz (FUZZ_SECONDS=N), or by hand:
 *   build/fuzz/fuzz_compare -max_total_time=600 /tmp/cc tests/fuzz/corpus-compare
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compare/compare.h"
#include "compare/plot.h"

static void quiet(void *ctx, const char *msg)
{
	(void)ctx;
	(void)strlen(msg);	/* messages must be valid strings */
}

static int load(const char *name, const uint8_t *data, size_t size, struct run_samples *rs)
{
	struct rec_reader rd;
	char err[512];
	int ret;

	memset(rs, 0, sizeof(*rs));
	if (rec_reader_init(&rd, name, data, size, err, sizeof(err)))
		return -1;
	rd.warn = quiet;
	ret = samples_load_reader(&rd, rs, err, sizeof(err));
	rec_reader_free(&rd);
	if (ret)
		(void)strlen(err);
	return ret;
}

/* The plot data and scripts (gnuplot not run) go to one directory, removed at exit. */
static char plot_dir[] = "/tmp/fuzz_compare.XXXXXX";

static void plot_cleanup(void)
{
	DIR *d = opendir(plot_dir);
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	if (d)
		closedir(d);
	rmdir(plot_dir);
}

static void render(FILE *null, const struct comparison *c)
{
	char err[512];

	compare_print_text(null, c);
	compare_print_markdown(null, c);
	compare_print_json(null, c);
	if (plot_write(c, plot_dir, false, err, sizeof(err)) < 0)
		(void)strlen(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct comparison cmp;	/* large */
	static struct run_samples a, b, ab[2], ba[2];
	static struct compare_opts o;
	static FILE *null;
	struct variant v[2];
	uint32_t la;

	if (!null) {
		null = fopen("/dev/null", "w");
		if (!mkdtemp(plot_dir))
			abort();
		atexit(plot_cleanup);
		compare_opts_defaults(&o);
		o.reps = 100;		/* speed over precision */
		o.perm_reps = 200;
	}
	if (size < 4)
		return 0;
	la = data[0] | data[1] << 8 | data[2] << 16 | (uint32_t)data[3] << 24;
	data += 4;
	size -= 4;
	if (la > size)
		la = size;
	if (load("A", data, la, &a))
		return 0;
	if (load("B", data + la, size - la, &b)) {
		run_samples_free(&a);
		return 0;
	}

	v[0] = (struct variant){ .name = "A", .runs = &a, .nruns = 1 };
	v[1] = (struct variant){ .name = "B", .runs = &b, .nruns = 1 };
	compare_compute(&cmp, v, 2, &o);
	render(null, &cmp);

	/* Two runs a side, shallow copies (nothing here writes samples): run-level tests. */
	ab[0] = ba[1] = a;
	ab[1] = ba[0] = b;
	v[0] = (struct variant){ .name = "AB", .runs = ab, .nruns = 2 };
	v[1] = (struct variant){ .name = "BA", .runs = ba, .nruns = 2 };
	compare_compute(&cmp, v, 2, &o);
	render(null, &cmp);

	run_samples_free(&a);
	run_samples_free(&b);
	return 0;
}

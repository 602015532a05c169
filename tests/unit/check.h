/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal test harness: each TEST() prints "PASS name" or "FAIL name" with
 * the failed checks; tests/run.sh counts those lines.
 */
#ifndef MIGTRACE_CHECK_H
#define MIGTRACE_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_in_test;
static int check_failures;

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "  %s:%d: check failed: %s\n",        \
				__FILE__, __LINE__, #cond);                    \
			check_failed_in_test = 1;                             \
		}                                                             \
	} while (0)

#define CHECK_EQ_U64(a, b)                                                    \
	do {                                                                  \
		unsigned long long _a = (a), _b = (b);                        \
		if (_a != _b) {                                               \
			fprintf(stderr, "  %s:%d: %s == %llu, expected %llu\n", \
				__FILE__, __LINE__, #a, _a, _b);               \
			check_failed_in_test = 1;                             \
		}                                                             \
	} while (0)

/* A double within tol of want. */
#define CHECK_NEAR(x, want, tol)                                                  \
	do {                                                                      \
		double _x = (x), _w = (want);                                     \
		if (!(fabs(_x - _w) <= (tol))) {                                  \
			fprintf(stderr, "  %s:%d: %s == %.6g, expected %.6g\n",   \
				__FILE__, __LINE__, #x, _x, _w);                  \
			check_failed_in_test = 1;                                 \
		}                                                                 \
	} while (0)

#define RUN(fn)                                                               \
	do {                                                                  \
		check_failed_in_test = 0;                                     \
		fn();                                                         \
		printf("%s %s\n", check_failed_in_test ? "FAIL" : "PASS", #fn); \
		check_failures += check_failed_in_test;                       \
	} while (0)

#define CHECK_EXIT() return check_failures ? 1 : 0

/* Compare a file written by the test with a golden file; print a diff on mismatch. */
static inline int check_golden(const char *got_path, const char *golden_path)
{
	char cmd[1024];

	if (getenv("MIGTRACE_UPDATE_GOLDEN")) {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", got_path, golden_path);
		return system(cmd) == 0;
	}
	snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' >&2", golden_path, got_path);
	return system(cmd) == 0;
}

#endif

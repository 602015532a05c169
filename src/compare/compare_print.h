/* SPDX-License-Identifier: GPL-2.0 */
/* Pieces shared by the text, Markdown and JSON forms of a comparison. */
#ifndef MIGTRACE_COMPARE_PRINT_H
#define MIGTRACE_COMPARE_PRINT_H

#include <stdio.h>
#include "compare/compare.h"
#include "compare/compare_notes.h"

bool compare_metric_present(const struct comparison *c, int m);
bool compare_cpu_present(const struct comparison *c, int k);
bool compare_infer_present(const struct comparison *c, int id);
void compare_ci_str(char *buf, size_t len, double lo, double hi);
const char *compare_p_str(char *buf, size_t len, double p);
void compare_row_tests(const struct comparison *c, int id, char *buf, size_t len);
void compare_infer_value(const struct infer_cell *x, const struct infer_def *d, char *buf,
			 size_t len);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plots of a comparison with gnuplot: per metric, the CDF of every variant
 * on one chart (PNG and SVG), and one summary figure with all of them. The
 * data and the gnuplot scripts stay in the directory for re-plotting.
 */
#ifndef MIGTRACE_PLOT_H
#define MIGTRACE_PLOT_H

#include "compare/compare.h"

#define PLOT_POINTS_MAX 2000	/* CDF points per variant */

/*
 * Write DIR/<metric>.{gp,N.dat} and DIR/summary.gp, then run gnuplot on
 * them unless run is false. Returns the number of charts, or negative with
 * err set; gnuplot missing is an error that leaves the scripts in place.
 */
int plot_write(const struct comparison *c, const char *dir, bool run, char *err, size_t len);

#endif

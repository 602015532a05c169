/* SPDX-License-Identifier: GPL-2.0 */
/* Time units: every duration in migtrace is in nanoseconds. */
#ifndef MIGTRACE_UNITS_H
#define MIGTRACE_UNITS_H

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* migtrace's exit statuses, one meaning each (migtrace(8), EXIT STATUS). */
#ifndef MIGTRACE_EXIT_STATUS_H
#define MIGTRACE_EXIT_STATUS_H

enum exit_status {
	EXIT_OK = 0,		/* the run ended normally, also by SIGINT or SIGTERM */
	EXIT_ERROR = 1,		/* could not run; one line on stderr says why */
	EXIT_USAGE = 2,		/* invalid usage */
	EXIT_INCIDENT = 3,	/* an incident matched --exit-on */
	EXIT_DAMAGED = 4,	/* report/compare: damaged chunks of a record were skipped */
};

#endif

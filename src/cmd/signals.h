/* SPDX-License-Identifier: GPL-2.0 */
/* Signal handling: handlers only set flags; loops poll them. */
#ifndef MIGTRACE_SIGNALS_H
#define MIGTRACE_SIGNALS_H

#include <stdbool.h>

/* SIGINT and SIGTERM ask to finish; SIGHUP asks to reopen output files. */
void signals_install(void);
bool signals_exiting(void);
/* True once per SIGHUP received since the last call. */
bool signals_take_reopen(void);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_PID_FILE_H
#define MIGTRACE_PID_FILE_H

#include <stddef.h>

/*
 * A PID file, locked for the caller's lifetime: a second daemon on it is
 * refused. Returns the descriptor to keep open, or -1 with err set.
 */
int pid_file_open(const char *path, char *err, size_t len);

#endif

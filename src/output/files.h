/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Output files for long runs: line outputs that SIGHUP reopens (log
 * rotation), and files replaced atomically (node_exporter's textfile
 * collector). Files are created 0600 unless told otherwise, never through a
 * symbolic link, and only regular files owned by us are appended to.
 */
#ifndef MIGTRACE_OUTPUT_H
#define MIGTRACE_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define OUTPUT_DEFAULT_MODE	0600
#define OUTPUT_MAX_MODE		0644	/* no execute bits, no write but the owner's */

/* A line output: a file appended to, or standard output ("-"). */
struct out_file {
	char path[PATH_MAX];
	mode_t mode;		/* for a file we create */
	FILE *f;		/* NULL: not open */
	bool is_stdout;
};

/*
 * A path from the command line: not empty, no control characters, shorter
 * than PATH_MAX with room for a temporary name, its directory exists.
 */
bool output_path_valid(const char *path, char *err, size_t len);

/* An octal file mode within OUTPUT_MAX_MODE, owner read-write included. */
bool output_parse_mode(const char *s, mode_t *mode);

/*
 * A file we are about to write, opened without following a link: a regular
 * file, ours, with no other hard link (which could be someone else's file
 * linked into a shared directory).
 */
bool output_fd_safe(int fd, const char *path, char *err, size_t len);

/* Open (create or append to) path, or standard output for "-". */
int out_file_open(struct out_file *o, const char *path, mode_t mode, char *err, size_t len);
/* Open the path again (after rotation); on failure the old stream stays. */
int out_file_reopen(struct out_file *o, char *err, size_t len);
/* Flush; false if anything written since the last call was lost. */
bool out_file_flush(struct out_file *o);
void out_file_close(struct out_file *o);

/*
 * Replace path with what write_fn puts in a temporary file in the same
 * directory: written, flushed to disk, given mode, then renamed over path,
 * so readers see the old file or the new one, never a part.
 */
int output_replace(const char *path, mode_t mode, int (*write_fn)(FILE *f, void *ctx),
		   void *ctx, char *err, size_t len);

#endif

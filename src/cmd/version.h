/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_VERSION_H
#define MIGTRACE_VERSION_H

#define MIGTRACE_VERSION "migtrace 0.1"	/* --version, and a record's "tool" */

#endif

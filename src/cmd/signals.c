// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <string.h>
#include "cmd/signals.h"

static volatile sig_atomic_t exiting, reopen;

static void on_exit_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static void on_hup(int sig)
{
	(void)sig;
	reopen = 1;
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_exit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed output is an error to report, not a kill */
}

bool signals_exiting(void)
{
	return exiting;
}

bool signals_take_reopen(void)
{
	if (!reopen)
		return false;
	reopen = 0;
	return true;
}

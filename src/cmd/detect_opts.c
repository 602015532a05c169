// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include "cmd/detect_opts.h"
#include "model/units.h"
#include "cmd/parse.h"

struct detect_options detect_opts = { .exit_on = -1 };

enum {
	OPT_LIVELOCK_MS = 2000, OPT_STUCK_RT_MS, OPT_STALL_MS, OPT_STORM_RETRIES,
	OPT_EXIT_ON, OPT_NO_DETECT, OPT_STACKS, OPT_KMSG,
};

static const struct argp_option options[] = {
	{ NULL, 0, NULL, 0, "Detectors (incidents are printed as they start, update and end):", 1 },
	{ "livelock-ms", OPT_LIVELOCK_MS, "MS", 0, "livelock: drain pending this long (250)", 1 },
	{ "stuck-rt-ms", OPT_STUCK_RT_MS, "MS", 0, "stuck_rt, stuck_kernel: the task on the CPU this long (100)", 1 },
	{ "stall-ms", OPT_STALL_MS, "MS", 0, "drain_stall: drain pending this long (100)", 1 },
	{ "storm-retries", OPT_STORM_RETRIES, "N", 0, "fault_storm: retries on one page (1000)", 1 },
	{ "exit-on", OPT_EXIT_ON, "KIND", 0,
	  "Stop at the first incident that reaches KIND (livelock, suspected_livelock, "
	  "stuck_rt, stuck_kernel, fault_storm, drain_stall, any) and exit with status 3", 1 },
	{ "stacks", OPT_STACKS, NULL, 0, "Print the parties' kernel stacks when an incident starts", 1 },
	{ "kmsg", OPT_KMSG, NULL, 0,
	  "Also write each incident's start, change of kind and end to the kernel log "
	  "(/dev/kmsg, as root; \"migtrace: incident ...\", at most 8 lines at once, then one "
	  "every 5 s)", 1 },
	{ "no-detect", OPT_NO_DETECT, NULL, 0, "Do not run the detectors", 1 },
	{},
};

static uint64_t ms_arg(struct argp_state *state, const char *arg)
{
	unsigned long v;

	if (!parse_ulong(arg, 3600UL * 1000, &v) || !v)
		argp_error(state, "invalid milliseconds: %s", arg);
	return v * NSEC_PER_MSEC;
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	unsigned long v;

	switch (key) {
	case ARGP_KEY_INIT:
		detect_config_defaults(&detect_opts.cfg);
		break;
	case OPT_LIVELOCK_MS:
		detect_opts.cfg.livelock_ns = ms_arg(state, arg);
		break;
	case OPT_STUCK_RT_MS:
		detect_opts.cfg.stuck_rt_ns = ms_arg(state, arg);
		break;
	case OPT_STALL_MS:
		detect_opts.cfg.drain_stall_ns = ms_arg(state, arg);
		break;
	case OPT_STORM_RETRIES:
		if (!parse_ulong(arg, UINT32_MAX, &v) || !v)
			argp_error(state, "invalid retry count: %s", arg);
		detect_opts.cfg.storm_retries = v;
		break;
	case OPT_EXIT_ON:
		if (!strcmp(arg, "any"))
			detect_opts.exit_on = EXIT_ON_ANY;
		else if ((detect_opts.exit_on = incident_kind_parse(arg)) < 0)
			argp_error(state, "unknown incident kind: %s", arg);
		break;
	case OPT_STACKS:
		detect_opts.stacks = true;
		break;
	case OPT_KMSG:
		detect_opts.kmsg = true;
		break;
	case OPT_NO_DETECT:
		detect_opts.off = true;
		break;
	case ARGP_KEY_END:
		if (detect_opts.kmsg && detect_opts.off)
			argp_error(state, "--kmsg writes incidents: it needs the detectors (no --no-detect)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp detect_argp = { .options = options, .parser = parse };

// SPDX-License-Identifier: GPL-2.0
/* "migtrace caps": what each hook ended up with, as text or JSON lines. */
#include "model/hooks.h"
#include "model/kevidence.h"
#include "output/caps.h"
#include "output/json.h"

void hooks_print_caps(FILE *out, const struct hook_status *st, bool json)
{
	char why[1024];

	if (!json)
		fprintf(out, "%-24s %-11s %s\n", "HOOK", "MECHANISM", "NOTES");
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		const struct hook_def *h = &hook_defs[i];
		const struct hook_status *s = &st[i];

		if (json) {
			struct json j;

			json_begin(&j, out, "caps");
			json_str(&j, "hook", h->name);
			json_str(&j, "mechanism", mechanism_name(s->mech));
			json_bool(&j, "approximate", s->approximate);
			if (s->held)	/* why: its mechanism's not_used entry */
				json_bool(&j, "held", true);
			if (s->approximate)
				json_str(&j, "approximation", h->approx_note);
			if (s->exact_events) {	/* the function's own tracepoints */
				json_key_arr(&j, "tracepoints");
				for (int k = 0; k < 3 && h->exact_tracepoints[k]; k++)
					json_str(&j, NULL, h->exact_tracepoints[k]);
				json_close_arr(&j);
			}
			json_key_obj(&j, "not_used");
			for (int m = MECH_FENTRY; m < MECH_MAX; m++)
				if (s->why[m][0])
					json_str(&j, mechanism_name(m), s->why[m]);
			json_close(&j);
			json_end(&j);
			continue;
		}
		hook_why_not(s, why, sizeof(why));
		if (s->exact_events)
			fprintf(out, "%-24s %-11s exact: %s%s%s\n", h->name, "tracepoint",
				h->exact_tracepoints[0],
				h->exact_tracepoints[1] ? ", " : "",
				h->exact_tracepoints[1] ? h->exact_tracepoints[1] : "");
		else
			fprintf(out, "%-24s %-11s %s%s%s%s\n", h->name,
			s->approximate ? "tracepoint~" : s->held ? "held" : mechanism_name(s->mech),
			s->approximate ? "approximated: " : "",
			s->approximate ? h->approx_note : "",
			s->approximate && why[0] ? ". Not used: " : (why[0] ? "not used: " : ""),
			why);
	}
}


void hooks_print_held(FILE *out, const struct hook_status *st, const char *note)
{
	struct json j;

	json_begin(&j, out, "hooks");
	json_time_now(&j);
	json_key_arr(&j, "held");
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		if (st[i].held)
			json_str(&j, NULL, hook_defs[i].name);
	json_close_arr(&j);
	json_key_obj(&j, "mechanism");
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		if (st[i].mech == MECH_FENTRY || st[i].mech == MECH_KPROBE)
			json_str(&j, hook_defs[i].name, mechanism_name(st[i].mech));
	json_close(&j);
	json_str(&j, "note", note);
	json_end(&j);
	fflush(out);
}

static void source_line(FILE *out, bool json, const char *name, const char *mech,
			const struct kev_source *src, const char *note)
{
	struct json j;

	if (!json) {
		fprintf(out, "%-24s %-11s %s%s%s\n", name, src->available ? mech : "none", note,
			src->why[0] && note[0] ? "; " : "", src->why);
		return;
	}
	json_begin(&j, out, "caps_source");
	json_str(&j, "source", name);
	json_str(&j, "mechanism", src->available ? mech : "none");
	json_bool(&j, "available", src->available);
	if (src->why[0])
		json_str(&j, "why", src->why);
	if (note[0])
		json_str(&j, "note", note);
	json_end(&j);
}

void sources_print_caps(FILE *out, bool json, const struct kev_sources *src)
{
	char note[512];

	snprintf(note, sizeof(note), "kernel stacks of a CPU with drain work pending, one per "
		 "%.1f ms there; %u function ranges%s%s", src->period_ns / 1e6, src->nranges,
		 src->ranges_missing[0] ? ", missing: " : "", src->ranges_missing);
	source_line(out, json, "stack_sampler", "perf_event", &src->sampler, note);
	source_line(out, json, "task_discovery", "iter/task", &src->discovery,
		    "drain work pending at attach, its waiter, kworkers' functions");
}

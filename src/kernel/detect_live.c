// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "output/incident_print.h"
#include "output/json.h"
#include "kernel/detect_live.h"

static void print_stack(FILE *out, const char *role, const struct mt_task *t, bool json)
{
	char path[64], line[256];
	FILE *f;

	if (!t->pid)
		return;
	snprintf(path, sizeof(path), "/proc/%u/task/%u/stack", t->tgid, t->pid);
	f = fopen(path, "r");
	if (!f)
		return;
	if (json) {
		struct json j;

		json_begin(&j, out, "stack");
		json_str(&j, "role", role);
		json_u64(&j, "pid", t->pid);
		json_key_arr(&j, "frames");
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			json_str(&j, NULL, line);
		}
		json_close_arr(&j);
		json_end(&j);
	} else {
		fprintf(out, "    %s %u kernel stack:\n", role, t->pid);
		while (fgets(line, sizeof(line), f))
			fprintf(out, "      %s", line);
	}
	fclose(f);
}

static void on_incident(void *ctx, const struct incident *inc)
{
	struct detect_live *dl = ctx;

	if (dl->json)
		incident_print_json(dl->out, inc);
	else
		incident_print_text(dl->out, inc);
	if (inc->state == INC_START && dl->opts->stacks) {
		if (inc->has_waiter)
			print_stack(dl->out, "waiter", &inc->waiter, dl->json);
		if (inc->has_spinner)
			print_stack(dl->out, "spinner", &inc->spinner, dl->json);
	}
	/* An incident reaches a kind when it starts with it or is raised to it. */
	if ((inc->state == INC_START || inc->kind_changed) &&
	    (dl->opts->exit_on == EXIT_ON_ANY || dl->opts->exit_on == (int)inc->kind))
		dl->triggered = true;
	if (dl->on_incident)
		dl->on_incident(dl->on_incident_ctx, inc);
}

int detect_live_start(struct detect_live *dl, struct session *s, const struct detect_options *o,
		      FILE *out, bool json)
{
	struct detect_config cfg = o->cfg;

	memset(dl, 0, sizeof(*dl));
	dl->opts = o;
	if (o->off)
		return 0;
	dl->snap = calloc(1, sizeof(*dl->snap));
	if (!dl->snap)
		return -ENOMEM;
	dl->session = s;
	dl->out = out;
	dl->json = json;
	cfg.holders_visible = hook_holders_known(s->hooks);
	cfg.faults_visible = hook_seen(s->hooks, HOOK_DO_SWAP_PAGE);
	detect_init(&dl->det, &cfg, on_incident, dl);
	return 0;
}

void detect_live_poll(struct detect_live *dl, uint64_t now)
{
	if (!dl->session || now < dl->next_tick)
		return;
	dl->next_tick = now + DETECT_TICK_NS;
	session_snapshot_live(dl->session, dl->snap, now);
	detect_tick(&dl->det, dl->snap, now);
}

void detect_live_finish(struct detect_live *dl)
{
	if (dl->session)
		detect_finish(&dl->det);
}

void detect_live_totals(const struct detect_live *dl, struct snapshot *r)
{
	if (!dl->session)
		return;
	r->detecting = true;
	memcpy(r->incidents, dl->det.totals, sizeof(r->incidents));
}

void detect_live_free(struct detect_live *dl)
{
	free(dl->snap);
	dl->snap = NULL;
	dl->session = NULL;
}

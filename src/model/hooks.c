// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/hooks.h"
#include "output/json.h"
#include "core/util.h"

const struct hook_def hook_defs[] = {
	{ .name = "migrate_vma_setup", .func = "migrate_vma_setup", .entry = true, .exit = true },
	{ .name = "migrate_vma_pages", .func = "migrate_vma_pages", .entry = true },
	{ .name = "migrate_vma_finalize", .func = "migrate_vma_finalize", .exit = true },
	{ .name = "migrate_device_range", .func = "migrate_device_range", .entry = true,
	  .exit = true },
	{ .name = "migrate_device_pfns", .func = "migrate_device_pfns", .entry = true,
	  .exit = true, .optional = true },
	{ .name = "migrate_device_finalize", .func = "migrate_device_finalize", .exit = true },
	{ .name = "lru_add_drain_all", .func = "lru_add_drain_all", .entry = true, .exit = true,
	  .tp_approximate = true, .via_hook = "lru_add_drain_per_cpu",
	  .approx_note = "rebuilt from the lru_add_drain_per_cpu work items its caller "
			 "queued; calls that queue no work are not seen" },
	{ .name = "do_swap_page", .func = "do_swap_page", .entry = true, .exit = true,
	  .tracepoints = { "exceptions/page_fault_user" }, .tp_progs = { "tp_page_fault_user" },
	  .tp_approximate = true,
	  .approx_note = "every user page fault (exceptions:page_fault_user), not only "
			 "swap and device-private ones; no in-kernel retries, no latency" },
	{ .name = "__folio_lock", .func = "__folio_lock", .entry = true, .exit = true },
	{ .name = "folio_unlock", .func = "folio_unlock", .entry = true },
	{ .name = "lru_add_drain_per_cpu",
	  .tracepoints = { "workqueue/workqueue_queue_work", "workqueue/workqueue_activate_work",
			   "workqueue/workqueue_execute_start", "workqueue/workqueue_execute_end" },
	  .tp_progs = { "tp_workqueue_queue_work", "tp_workqueue_activate_work",
			"tp_workqueue_execute_start", "tp_workqueue_execute_end" },
	  .needs_drain_fn = true },
	{ .name = "sched_switch", .tracepoints = { "sched/sched_switch", "sched/sched_process_exit" },
	  .tp_progs = { "raw_tp_sched_switch", "raw_tp_sched_process_exit" } },
	{ .name = "swap_page_trylock", .tracepoints = { "migtrace_lab/swap_page_trylock" },
	  .tp_progs = { "raw_tp_swap_page_trylock" }, .optional = true },
	{ .name = "collect_trylock", .tracepoints = { "migtrace_lab/collect_trylock" },
	  .tp_progs = { "raw_tp_collect_trylock" }, .optional = true },
};
const unsigned int hook_count = ARRAY_SIZE(hook_defs);

const char *mechanism_name(enum mechanism m)
{
	static const char *const names[] = {
		[MECH_NONE] = "none", [MECH_FENTRY] = "fentry",
		[MECH_KPROBE] = "kprobe", [MECH_TRACEPOINT] = "tracepoint",
	};

	return m < MECH_MAX ? names[m] : "?";
}

int hook_index(const char *name)
{
	for (unsigned int i = 0; i < hook_count; i++)
		if (!strcmp(hook_defs[i].name, name))
			return i;
	return -1;
}

void hook_programs(const struct hook_def *h, enum mechanism m, const char *progs[6],
		   char storage[4][64])
{
	int n = 0;

	switch (m) {
	case MECH_FENTRY:
	case MECH_KPROBE:
		if (h->entry) {
			snprintf(storage[0], 64, "%s_%s", m == MECH_FENTRY ? "fentry" : "kprobe",
				 h->func);
			progs[n++] = storage[0];
		}
		if (h->exit) {
			snprintf(storage[1], 64, "%s_%s", m == MECH_FENTRY ? "fexit" : "kretprobe",
				 h->func);
			progs[n++] = storage[1];
		}
		break;
	case MECH_TRACEPOINT:
		for (int i = 0; i < 5 && h->tp_progs[i]; i++)
			progs[n++] = h->tp_progs[i];
		break;
	default:
		break;
	}
	progs[n] = NULL;
}

static void why_not(const struct hook_status *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int m = MECH_FENTRY; m < MECH_MAX; m++) {
		if (!s->why[m][0])
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s: %s",
				off ? "; " : "", mechanism_name(m), s->why[m]);
	}
}

void hooks_print_caps(FILE *out, const struct hook_status *st, bool json)
{
	char why[1024];

	if (!json)
		fprintf(out, "%-24s %-11s %s\n", "HOOK", "MECHANISM", "NOTES");
	for (unsigned int i = 0; i < hook_count; i++) {
		const struct hook_def *h = &hook_defs[i];
		const struct hook_status *s = &st[i];

		if (json) {
			struct json j;

			json_begin(&j, out, "caps");
			json_str(&j, "hook", h->name);
			json_str(&j, "mechanism", mechanism_name(s->mech));
			json_bool(&j, "approximate", s->approximate);
			if (s->approximate)
				json_str(&j, "approximation", h->approx_note);
			json_key_obj(&j, "not_used");
			for (int m = MECH_FENTRY; m < MECH_MAX; m++)
				if (s->why[m][0])
					json_str(&j, mechanism_name(m), s->why[m]);
			json_close(&j);
			json_end(&j);
			continue;
		}
		why_not(s, why, sizeof(why));
		fprintf(out, "%-24s %-11s %s%s%s%s\n", h->name,
			s->approximate ? "tracepoint~" : mechanism_name(s->mech),
			s->approximate ? "approximated: " : "",
			s->approximate ? h->approx_note : "",
			s->approximate && why[0] ? ". Not used: " : (why[0] ? "not used: " : ""),
			why);
	}
}

void hooks_count(const struct hook_status *st, unsigned int counts[MECH_MAX])
{
	memset(counts, 0, sizeof(unsigned int) * MECH_MAX);
	for (unsigned int i = 0; i < hook_count; i++)
		counts[st[i].mech]++;
}

void hooks_blind_list(const struct hook_status *st, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < hook_count; i++) {
		if (st[i].mech != MECH_NONE || hook_defs[i].optional)
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? ", " : "",
				hook_defs[i].name);
	}
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/clock.h"
#include "kernel/held_attach.h"
#include "migtrace.skel.h"

#define HELD_CHECK_NS (100 * NSEC_PER_MSEC)

static unsigned long long ms_since(uint64_t then, uint64_t now)
{
	return now > then ? (now - then) / NSEC_PER_MSEC : 0;
}

/* The held hooks' programs to the child, grouped by hook. */
static void start_child(struct held_attach *h, struct migtrace_bpf *skel,
			struct hook_status *hooks, uint64_t now)
{
	struct bpf_program *progs[HELD_PROGS];
	int group[HELD_PROGS], err;
	unsigned int n = 0;
	char why[128];

	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		struct hook_status planned = hooks[i];
		const char *names[6];
		char storage[4][64];

		if (!hooks[i].held)
			continue;
		planned.mech = h->planned[i];
		hook_programs(&hook_defs[i], &planned, names, storage);
		for (int k = 0; names[k] && n < HELD_PROGS; k++) {
			progs[n] = bpf_object__find_program_by_name(skel->obj, names[k]);
			if (!progs[n])
				continue;
			/* storage is this loop's: the name from the program itself */
			h->prog_names[n] = bpf_program__name(progs[n]);
			group[n++] = i;
		}
	}
	err = link_child_attach(&h->child, progs, group, n);
	h->since_ns = now;
	if (!err) {
		h->state = HELD_ATTACHING;
		snprintf(why, sizeof(why), "being attached by process %d", (int)h->child.pid);
		attach_hold_why(hooks, h->planned, why);
		return;
	}
	snprintf(why, sizeof(why), "no process to attach it: %s", strerror(-err));
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		if (hooks[i].held) {
			enum mechanism m = h->planned[i];

			attach_hold_done(hooks, h->planned, i, -err, "its programs");
			snprintf(hooks[i].why[m], sizeof(hooks[i].why[0]), "%s", why);
			h->nfailed++;
		}
	h->state = HELD_NONE;
}

/* The child's results so far; true when some came. */
static bool collect(struct held_attach *h, struct hook_status *hooks, int timeout_ms, uint64_t now)
{
	struct link_result r[HOOK_MAX + 1];
	bool changed = false;
	int n;

	while ((n = link_child_results(&h->child, r, HOOK_MAX + 1, timeout_ms)) > 0) {
		for (int i = 0; i < n; i++) {
			if (r[i].group < 0 || r[i].group >= HOOK_MAX)
				continue;
			attach_hold_done(hooks, h->planned, r[i].group, r[i].err,
					 r[i].prog >= 0 && r[i].prog < HELD_PROGS &&
					 h->prog_names[r[i].prog] ? h->prog_names[r[i].prog] : "?");
			if (r[i].err)
				h->nfailed++;
			else
				h->nattached++;
		}
		changed = true;
		timeout_ms = 0;		/* the wait is for the first result only */
	}
	if (n < 0) {	/* every result in (a missing one: the child died) */
		for (unsigned int i = 0; i < HOOK_MAX; i++)
			if (hooks[i].held) {
				attach_hold_done(hooks, h->planned, i, ECHILD, "its programs");
				h->nfailed++;
			}
		h->state = HELD_NONE;
		h->note_seq++;
		snprintf(h->note, sizeof(h->note),
			 "fentry/kprobe hooks attached by process %d %llu ms after attach: %u "
			 "attached, %u failed", (int)h->child.pid, ms_since(h->start_ns, now),
			 h->nattached, h->nfailed);
		changed = true;
	}
	return changed;
}

void held_attach_begin(struct held_attach *h, struct migtrace_bpf *skel, struct hook_status *hooks,
		       const struct discovery *d, uint64_t now, unsigned int wait_ms)
{
	uint64_t until = now + (uint64_t)wait_ms * NSEC_PER_MSEC;

	*h = (struct held_attach){ .child = { .ctl = -1, .res = -1 }, .start_ns = now };
	h->nheld = attach_hold_apply(hooks, h->planned, "not attached yet");
	if (!h->nheld)
		return;
	attach_hold_from_discovery(d, &h->hold);
	if (h->hold.held) {
		h->state = HELD_STALL;
		h->since_ns = now;
		h->next_check_ns = now + HELD_CHECK_NS;
		attach_hold_why(hooks, h->planned, h->hold.why);
		h->note_seq++;
		snprintf(h->note, sizeof(h->note), "%u fentry/kprobe hooks held: %s", h->nheld,
			 h->hold.why);
		return;
	}
	start_child(h, skel, hooks, now);
	/* A start without a stall waits for them, as a plain attach would. */
	while (h->state == HELD_ATTACHING) {
		uint64_t t = mono_ns();

		if (t >= until)
			break;
		collect(h, hooks, (int)((until - t) / NSEC_PER_MSEC) + 1, t);
	}
	if (h->state == HELD_NONE && !h->nfailed)
		h->note[0] = '\0';	/* attached in time, as a plain attach: nothing to say */
	if (h->state == HELD_ATTACHING) {
		char why[160];

		snprintf(why, sizeof(why), "process %d still attaching after %u ms (a CPU "
			 "that does not schedule?)", (int)h->child.pid, wait_ms);
		attach_hold_why(hooks, h->planned, why);
		h->note_seq++;
		snprintf(h->note, sizeof(h->note), "fentry/kprobe hooks: %s", why);
	}
}

/* Some CPU's drain work still stalled (the hold's own rule, on cpu_drain). */
static bool stall_goes_on(struct migtrace_bpf *skel, uint32_t ncpus, uint64_t now, uint32_t *cpu)
{
	int fd = bpf_map__fd(skel->maps.cpu_drain);

	for (uint32_t c = 0; c < ncpus; c++) {
		struct mt_cpu_drain d;
		uint32_t unused;

		if (!bpf_map_lookup_elem(fd, &c, &d) && attach_hold_goes_on(&d, 1, now, &unused)) {
			*cpu = c;
			return true;
		}
	}
	return false;
}

bool held_attach_poll(struct held_attach *h, struct migtrace_bpf *skel, struct hook_status *hooks,
		      uint32_t ncpus, uint64_t now)
{
	uint32_t cpu;

	if (h->state == HELD_ATTACHING)
		return collect(h, hooks, 0, now);
	if (h->state != HELD_STALL || now < h->next_check_ns)
		return false;
	h->next_check_ns = now + HELD_CHECK_NS;
	if (stall_goes_on(skel, ncpus, now, &cpu))
		return false;
	start_child(h, skel, hooks, now);
	h->note_seq++;
	if (h->state == HELD_ATTACHING)
		snprintf(h->note, sizeof(h->note), "no CPU stalled %llu ms after attach: attaching "
			 "the %u held fentry/kprobe hooks (process %d)", ms_since(h->start_ns, now),
			 h->nheld, (int)h->child.pid);
	else
		snprintf(h->note, sizeof(h->note), "no CPU stalled %llu ms after attach, but no "
			 "process could attach the %u held hooks (caps says why)",
			 ms_since(h->start_ns, now), h->nheld);
	return true;
}

bool held_attach_new_note(const struct held_attach *h, unsigned int *seen)
{
	bool changed = *seen != h->note_seq;

	*seen = h->note_seq;
	return changed;
}

pid_t held_attach_end(struct held_attach *h, unsigned int timeout_ms)
{
	h->state = HELD_NONE;
	return link_child_release(&h->child, timeout_ms);
}

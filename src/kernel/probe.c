// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kernel/kallsyms.h"
#include "kernel/probe.h"
#include "kernel/tracefs.h"
#include "core/tp_proto.h"

#define WHY(st, m, ...) snprintf((st)->why[m], sizeof((st)->why[m]), __VA_ARGS__)

static int enum_value(const struct btf *btf, const char *enum_name, const char *name, int64_t *v)
{
	int id = btf__find_by_name_kind(btf, enum_name, BTF_KIND_ENUM);
	const struct btf_type *t;
	const struct btf_enum *e;

	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
			*v = e->val;
			return 0;
		}
	}
	return -ENOENT;
}

int probe_env_init(struct probe_env *env, char *err, size_t len)
{
	const char *names[HOOK_MAX + 1];
	uint64_t addrs[HOOK_MAX + 1];
	int64_t flag;
	int n = 0;

	env->vmlinux_btf = btf__load_vmlinux_btf();
	if (!env->vmlinux_btf) {
		snprintf(err, len, "kernel BTF not available (/sys/kernel/btf/vmlinux: %s): "
			 "migtrace needs CONFIG_DEBUG_INFO_BTF", strerror(errno));
		return -ENOENT;
	}
	if (!enum_value(env->vmlinux_btf, "fault_flag", "FAULT_FLAG_VMA_LOCK", &flag))
		env->fault_vma_lock_flag = flag;

	env->tracefs = tracefs_root(env->tracefs_why, sizeof(env->tracefs_why));

	if (!access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	    (env->tracefs && tracefs_event_exists(env->tracefs, "../kprobe_events")))
		env->kprobe_support = true;
	else
		snprintf(env->kprobe_why, sizeof(env->kprobe_why),
			 "no kprobe PMU and no kprobe_events (kernel built without "
			 "CONFIG_KPROBES/CONFIG_KPROBE_EVENTS)");

	for (unsigned int i = 0; i < HOOK_MAX; i++)
		names[n++] = hook_defs[i].func ? hook_defs[i].func : "";
	names[n++] = "lru_add_drain_per_cpu";
	env->kallsyms_err = kallsyms_resolve("/proc/kallsyms", names, addrs, n);
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		env->func_addr[i] = hook_defs[i].func ? addrs[i] : 0;
	env->drain_fn = addrs[n - 1];
	return 0;
}

void probe_env_free(struct probe_env *env)
{
	btf__free(env->vmlinux_btf);
	env->vmlinux_btf = NULL;
}

/*
 * Load an empty fentry program on func, without attaching it. Attaching
 * would test more, but detaching an fentry link waits for an RCU-tasks
 * grace period that runs work on every CPU: on a host where one CPU is
 * already starved (the livelock this tool is for) close() blocks until
 * the livelock ends. An attach that fails later falls back at attach time.
 */
static bool fentry_loads(const struct probe_env *env, const char *func, char *why, size_t len)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int id, prog_fd;

	id = btf__find_by_name_kind(env->vmlinux_btf, func, BTF_KIND_FUNC);
	if (id < 0) {
		snprintf(why, len, "no BTF function %s (inlined or absent)", func);
		return false;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_id = id);
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "mt_probe", "GPL", insns,
				sizeof(insns) / sizeof(insns[0]), &opts);
	if (prog_fd < 0) {
		snprintf(why, len, "loading a tracing program failed: %s", strerror(errno));
		return false;
	}
	close(prog_fd);
	return true;
}

/* A BTF type as C, qualifiers dropped: "struct migrate_vma *", "unsigned long". */
static void btf_type_str(const struct btf *btf, __u32 id, char *buf, size_t len, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;
	char inner[96];

	if (!t || depth > 8) {
		snprintf(buf, len, "?");
		return;
	}
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		btf_type_str(btf, t->type, buf, len, depth + 1);
		return;
	case BTF_KIND_PTR:
		if (!t->type)
			snprintf(buf, len, "void *");
		else {
			btf_type_str(btf, t->type, inner, sizeof(inner), depth + 1);
			snprintf(buf, len, "%.90s%s*", inner, inner[strlen(inner) - 1] == '*' ? "" : " ");
		}
		return;
	case BTF_KIND_STRUCT:
		snprintf(buf, len, "struct %s", name);
		return;
	case BTF_KIND_UNION:
		snprintf(buf, len, "union %s", name);
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		snprintf(buf, len, "enum %s", name);
		return;
	case BTF_KIND_FWD:
		snprintf(buf, len, "%s %s", btf_kflag(t) ? "union" : "struct", name);
		return;
	default:	/* int, typedef (bool, ktime_t), float */
		snprintf(buf, len, "%s", name && *name ? name : "?");
		return;
	}
}

/*
 * The prototype of tracepoint "group/event" from the kernel's BTF (the
 * btf_trace_EVENT typedef every event gets), less its leading void *:
 * "struct migrate_vma *,unsigned long". False when the BTF has none.
 */
static bool tracepoint_proto(const struct btf *btf, const char *group_event, char *buf,
			     size_t len)
{
	const char *event = strchr(group_event, '/');
	const struct btf_type *t;
	const struct btf_param *p;
	char name[128], arg[96];
	size_t off = 0;
	int id;

	snprintf(name, sizeof(name), "btf_trace_%s", event ? event + 1 : group_event);
	id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (id < 0)
		return false;
	t = btf__type_by_id(btf, id);
	t = t ? btf__type_by_id(btf, t->type) : NULL;		/* the pointer */
	t = t && btf_is_ptr(t) ? btf__type_by_id(btf, t->type) : NULL;
	if (!t || !btf_is_func_proto(t))
		return false;
	buf[0] = '\0';
	p = btf_params(t);
	for (int i = 1; i < btf_vlen(t); i++) {
		btf_type_str(btf, p[i].type, arg, sizeof(arg), 0);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", i > 1 ? "," : "",
				arg);
	}
	return true;
}

/*
 * A raw tracepoint program reads arguments by position: refuse an event of
 * the expected name whose prototype differs (another patch's event).
 */
static bool proto_ok(const struct probe_env *env, const char *tp, const char *expected,
		     char *why, size_t len)
{
	char actual[256], reason[160];

	if (!expected || !env->vmlinux_btf)
		return true;
	if (!tracepoint_proto(env->vmlinux_btf, tp, actual, sizeof(actual))) {
		snprintf(why, len, "tracepoint %s has no prototype in the kernel's BTF "
			 "(btf_trace_*): its shape cannot be checked", tp);
		return false;
	}
	if (tp_proto_match(expected, actual, reason, sizeof(reason)))
		return true;
	snprintf(why, len, "tracepoint %.50s has another shape: %.70s", tp, reason);
	return false;
}

/* Whether "group/event" belongs to a group of the comma-separated list. */
static bool group_ruled_out(const char *list, const char *group_event)
{
	size_t glen = strcspn(group_event, "/");

	while (list && *list) {
		size_t n = strcspn(list, ",");

		if (n == glen && !strncmp(list, group_event, n))
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

static bool tracepoints_exist(const struct probe_env *env, const struct hook_def *h,
			      struct hook_status *st)
{
	if (!h->tracepoints[0]) {
		if (!st->why[MECH_TRACEPOINT][0])	/* else: why its exact ones are not used */
			WHY(st, MECH_TRACEPOINT, "no tracepoint covers it");
		return false;
	}
	if (!env->tracefs) {
		WHY(st, MECH_TRACEPOINT, "%s", env->tracefs_why);
		return false;
	}
	for (int i = 0; i < 5 && h->tracepoints[i]; i++) {
		if (group_ruled_out(env->no_events, h->tracepoints[i])) {
			WHY(st, MECH_TRACEPOINT, "tracepoint %s disabled by --no-events",
			    h->tracepoints[i]);
			return false;
		}
		if (!tracefs_event_exists(env->tracefs, h->tracepoints[i])) {
			WHY(st, MECH_TRACEPOINT, "tracepoint %s not in this kernel",
			    h->tracepoints[i]);
			return false;
		}
		if (!proto_ok(env, h->tracepoints[i], h->tp_protos[i], st->why[MECH_TRACEPOINT],
			      sizeof(st->why[MECH_TRACEPOINT])))
			return false;
	}
	if (h->needs_drain_fn && !env->drain_fn) {
		WHY(st, MECH_TRACEPOINT, "lru_add_drain_per_cpu not found in /proc/kallsyms%s",
		    env->kallsyms_err == -EPERM ? " (addresses hidden: kptr_restrict)" : "");
		return false;
	}
	return true;
}

/* Every tracepoint of the list exists and is not ruled out; else why not in why. */
static bool events_usable(const struct probe_env *env, const char *const *tps,
			  const char *const *protos, int max, char *why, size_t len)
{
	if (!env->tracefs) {
		snprintf(why, len, "%s", env->tracefs_why);
		return false;
	}
	for (int i = 0; i < max && tps[i]; i++) {
		if (group_ruled_out(env->no_events, tps[i])) {
			snprintf(why, len, "tracepoint %s disabled by --no-events", tps[i]);
			return false;
		}
		if (!tracefs_event_exists(env->tracefs, tps[i])) {
			snprintf(why, len, "tracepoint %s not in this kernel", tps[i]);
			return false;
		}
		if (!proto_ok(env, tps[i], protos[i], why, len))
			return false;
	}
	return true;
}

static void probe_one(const struct probe_env *env, unsigned int i, struct hook_status *st)
{
	const struct hook_def *h = &hook_defs[i];
	char why[160];

	memset(st, 0, sizeof(*st));
	/* A tracepoint with the function's own semantics first: cheapest, and stable. */
	if (h->exact_tracepoints[0]) {
		if (events_usable(env, h->exact_tracepoints, h->exact_protos, 3, why, sizeof(why))) {
			st->mech = MECH_TRACEPOINT;
			st->exact_events = true;
			return;
		}
		snprintf(st->why[MECH_TRACEPOINT], sizeof(st->why[MECH_TRACEPOINT]), "%s", why);
	}
	if (h->func) {
		if (env->no_fentry[0])
			WHY(st, MECH_FENTRY, "%s", env->no_fentry);
		else if (fentry_loads(env, h->func, st->why[MECH_FENTRY],
				      sizeof(st->why[MECH_FENTRY]))) {
			st->mech = MECH_FENTRY;
			return;
		}
		if (env->no_kprobe[0])
			WHY(st, MECH_KPROBE, "%s", env->no_kprobe);
		else if (!env->kprobe_support)
			WHY(st, MECH_KPROBE, "%s", env->kprobe_why);
		else if (!env->func_addr[i])
			WHY(st, MECH_KPROBE, "%s not in /proc/kallsyms", h->func);
		else {
			st->mech = MECH_KPROBE;
			return;
		}
	}
	if (h->derived) {
		/* Settled once the hook it derives from is attached. */
		WHY(st, MECH_TRACEPOINT, "needs hook %s", hook_defs[h->derived_from].name);
		return;
	}
	if (tracepoints_exist(env, h, st)) {
		st->mech = MECH_TRACEPOINT;
		st->approximate = h->tp_approximate;
	} else if (h->exact_tracepoints[0] && h->tracepoints[0] && strcmp(why, st->why[MECH_TRACEPOINT])) {
		/* Both said, the exact event's first: one refused for its shape must stay visible. */
		char both[2 * sizeof(why) + 2];

		snprintf(both, sizeof(both), "%s; %s", why, st->why[MECH_TRACEPOINT]);
		memcpy(st->why[MECH_TRACEPOINT], both, sizeof(st->why[MECH_TRACEPOINT]) - 1);
		st->why[MECH_TRACEPOINT][sizeof(st->why[MECH_TRACEPOINT]) - 1] = '\0';
	}
}

void probe_hooks(const struct probe_env *env, struct hook_status *st)
{
	for (unsigned int i = 0; i < HOOK_MAX; i++)
		probe_one(env, i, &st[i]);
	probe_resolve_derived(st);
}

void probe_resolve_derived(struct hook_status *st)
{
	for (unsigned int i = 0; i < HOOK_MAX; i++) {
		const struct hook_def *h = &hook_defs[i];
		if (!h->derived || st[i].held || st[i].mech == MECH_FENTRY ||
		    st[i].mech == MECH_KPROBE)
			continue;
		if (st[h->derived_from].mech != MECH_NONE) {
			st[i].mech = MECH_TRACEPOINT;
			st[i].approximate = true;
			st[i].why[MECH_TRACEPOINT][0] = '\0';
		} else {
			st[i].mech = MECH_NONE;
			st[i].approximate = false;
			snprintf(st[i].why[MECH_TRACEPOINT], sizeof(st[i].why[MECH_TRACEPOINT]),
				 "hook %s, which it would be rebuilt from, is unavailable",
				 hook_defs[h->derived_from].name);
		}
	}
}

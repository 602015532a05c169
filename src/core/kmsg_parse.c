// SPDX-License-Identifier: GPL-2.0
/*
 * Formats as Linux 6.12 prints them (kernel/watchdog.c, hung_task.c,
 * workqueue.c, rcu/tree_stall.h); the lines in tests/data/kmsg were
 * captured from the lab's guests or written from those printk formats.
 */
#include <stdio.h>
#include <string.h>
#include "core/kmsg_parse.h"

/* ---- the record --------------------------------------------------------- */

/* Digits at *p up to max; advances past them. */
static bool take_u64(const char **p, const char *end, uint64_t max, uint64_t *v)
{
	const char *s = *p;
	uint64_t n = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (n > (max - (uint64_t)(*s - '0')) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	*v = n;
	return true;
}

static bool take_char(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return false;
	(*p)++;
	return true;
}

bool kmsg_record_parse(const char *buf, size_t len, struct kmsg_record *r)
{
	const char *p = buf, *end = buf + len, *semi;
	uint64_t prio;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	semi = memchr(buf, ';', len);
	if (!semi || !take_u64(&p, semi, 1023, &prio) || !take_char(&p, semi, ',') ||
	    !take_u64(&p, semi, UINT64_MAX, &r->seq) || !take_char(&p, semi, ',') ||
	    !take_u64(&p, semi, UINT64_MAX, &r->usec) || !take_char(&p, semi, ',') || p == semi)
		return false;
	r->facility = prio >> 3;
	r->level = prio & 7;
	r->cont = *p == 'c';
	/* The flags, then fields of newer kernels (",caller=T12"): up to the ';'. */
	for (p = semi + 1; p < end && *p != '\n'; p++) {
		if (n == KMSG_TEXT_MAX - 1) {
			r->truncated = true;
			break;
		}
		/* The kernel escapes these as \xNN: raw ones are not its text. */
		r->text[n++] = (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ? '?' : *p;
	}
	r->text[n] = '\0';
	return true;
}

/* ---- one line ------------------------------------------------------------ */

/* a, then " | " and b if given, cut to len (a report's text is a line or two of the log). */
static void text_copy(char *dst, size_t len, const char *a, const char *b)
{
	size_t n = strnlen(a, len - 1), m;

	memcpy(dst, a, n);
	if (b && n + 3 < len - 1) {
		memcpy(dst + n, " | ", 3);
		n += 3;
		m = strnlen(b, len - 1 - n);
		memcpy(dst + n, b, m);
		n += m;
	}
	dst[n] = '\0';
}

static bool take(const char **p, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*p, lit, n))
		return false;
	*p += n;
	return true;
}

static bool take_num(const char **p, uint64_t max, uint64_t *v)
{
	return take_u64(p, *p + strlen(*p), max, v);
}

/* The last occurrence of needle in [s, end). */
static const char *last_of(const char *s, const char *end, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL;

	for (const char *q = s; q + n <= end; q++)
		if (!memcmp(q, needle, n))
			found = q;
	return found;
}

/*
 * "comm:pid" in [s, end): the pid after the last ':' (a comm may hold
 * colons, and the kernel's \xNN escapes), the comm cut to 15 bytes.
 */
static bool comm_pid(const char *s, const char *end, struct kernel_report *kr)
{
	const char *colon = last_of(s, end, ":");
	const char *p;
	uint64_t pid;
	size_t n;

	if (!colon || colon == s)
		return false;
	p = colon + 1;
	if (!take_u64(&p, end, INT32_MAX, &pid) || p != end || !pid)
		return false;
	n = colon - s < (ptrdiff_t)sizeof(kr->comm) ? (size_t)(colon - s) : sizeof(kr->comm) - 1;
	memcpy(kr->comm, s, n);
	kr->comm[n] = '\0';
	kr->pid = pid;
	return true;
}

/* watchdog: BUG: soft lockup - CPU#3 stuck for 26s! [migrepro:104] */
static bool soft_lockup(const char *t, struct kernel_report *kr)
{
	const char *end = t + strlen(t);
	uint64_t cpu, s;

	if (!take(&t, "watchdog: ") && !take(&t, "NMI watchdog: "))
		return false;
	if (!take(&t, "BUG: soft lockup - CPU#") || !take_num(&t, UINT32_MAX - 1, &cpu) ||
	    !take(&t, " stuck for ") || !take_num(&t, UINT32_MAX, &s) || !take(&t, "s! [") ||
	    end - t < 3 || end[-1] != ']' || !comm_pid(t, end - 1, kr))
		return false;
	kr->kind = KR_SOFT_LOCKUP;
	kr->cpu = cpu;
	kr->seconds = s;
	return true;
}

/*
 * "... NEEDLE<number>SUFFIX" at the end of t, NEEDLE's last occurrence: the
 * number into *v, where NEEDLE starts into *at.
 */
static bool tail_num(const char *t, const char *needle, const char *suffix, const char **at,
		     uint64_t *v)
{
	const char *p = last_of(t, t + strlen(t), needle);

	if (!p)
		return false;
	*at = p;
	p += strlen(needle);
	return take_num(&p, UINT32_MAX, v) && !strcmp(p, suffix);
}

/* INFO: task migrepro:102 blocked for more than 20 seconds. */
static bool hung_task(const char *t, struct kernel_report *kr)
{
	const char *b;
	uint64_t s;

	if (!take(&t, "INFO: task ") ||
	    !tail_num(t, " blocked for more than ", " seconds.", &b, &s) || !comm_pid(t, b, kr))
		return false;
	kr->kind = KR_HUNG_TASK;
	kr->seconds = s;
	return true;
}

/* BUG: workqueue lockup - pool cpus=3 node=0 flags=0x0 nice=0 stuck for 31s! */
static bool wq_lockup(const char *t, struct kernel_report *kr)
{
	const char *st, *c, *p;
	uint64_t s, cpu;

	if (!take(&t, "BUG: workqueue lockup - pool") || !tail_num(t, " stuck for ", "s!", &st, &s))
		return false;
	kr->kind = KR_WQ_LOCKUP;
	kr->seconds = s;
	kr->cpu = KR_NO_CPU;
	/* A per-CPU pool names one CPU; an unbound pool a list or range (no CPU). */
	c = strstr(t, " cpus=");
	if (c && c < st) {
		p = c + strlen(" cpus=");
		if (take_num(&p, UINT32_MAX - 1, &cpu) && (*p == ' ' || p == st))
			kr->cpu = cpu;
	}
	return true;
}

/* workqueue: lru_add_drain_per_cpu hogged CPU for >10000us 4 times, consider ... */
static bool wq_hog(const char *t, struct kernel_report *kr)
{
	const char *h, *p;
	uint64_t us, n;
	size_t len;

	if (!take(&t, "workqueue: "))
		return false;
	h = strstr(t, " hogged CPU for >");
	if (!h || h == t)
		return false;
	p = h + strlen(" hogged CPU for >");
	if (!take_num(&p, UINT64_MAX, &us) || !take(&p, "us ") || !take_num(&p, UINT64_MAX, &n) ||
	    !take(&p, " times"))
		return false;
	/* %ps: "func", or "func [module]": the function's name is what a work item runs. */
	len = strcspn(t, " ");
	if (t + len > h)
		len = h - t;
	if (len >= sizeof(kr->work_func))
		len = sizeof(kr->work_func) - 1;
	memcpy(kr->work_func, t, len);
	kr->work_func[len] = '\0';
	kr->kind = KR_WQ_HOG;
	kr->count = n;
	return true;
}

bool kmsg_report_parse(const char *text, struct kernel_report *kr)
{
	memset(kr, 0, sizeof(*kr));
	kr->cpu = KR_NO_CPU;
	if (!soft_lockup(text, kr) && !hung_task(text, kr) && !wq_lockup(text, kr) &&
	    !wq_hog(text, kr)) {
		memset(kr, 0, sizeof(*kr));
		return false;
	}
	text_copy(kr->text, sizeof(kr->text), text, NULL);
	return true;
}

/* ---- RCU stalls: a header, then a line per stalled CPU, then (t=...) ----- */

/* "rcu: INFO: rcu_preempt self-detected stall on CPU" or "... detected stalls on CPUs/tasks:" */
static bool ends_with(const char *t, const char *suffix)
{
	size_t n = strlen(t), m = strlen(suffix);

	return n > m && !strcmp(t + n - m, suffix);
}

static bool rcu_header(const char *t)
{
	return take(&t, "rcu: INFO: ") && (ends_with(t, " self-detected stall on CPU") ||
					  ends_with(t, " detected stalls on CPUs/tasks:"));
}

/* After "rcu: " a tab: \x09 in /dev/kmsg (it escapes control bytes), raw elsewhere. */
static bool rcu_tab(const char **t)
{
	return take(t, "rcu: ") && (take(t, "\\x09") || take(t, "\t"));
}

/* "rcu: \x093-....: (2100 ticks this GP) ...": the CPU; -1 if not such a line. */
static int64_t rcu_cpu_line(const char *t)
{
	uint64_t cpu;

	if (!rcu_tab(&t) || !take_num(&t, UINT32_MAX - 1, &cpu) || *t != '-')
		return -1;
	return cpu;
}

/* "rcu: \x09(t=2100 jiffies ...)" or "rcu: \x09(detected by 1, t=...)": the report's end. */
static bool rcu_end_line(const char *t)
{
	return rcu_tab(&t) && (take(&t, "(t=") || take(&t, "(detected by "));
}

static struct kernel_report *rcu_emit(struct kmsg_parser *p, struct kernel_report *out,
				      uint32_t cpu, const char *detail)
{
	*out = p->rcu;
	out->cpu = cpu;
	if (detail)
		text_copy(out->text, sizeof(out->text), p->rcu.text, detail);
	p->rcu_cpus++;
	return out + 1;
}

void kmsg_parser_init(struct kmsg_parser *p)
{
	memset(p, 0, sizeof(*p));
}

unsigned int kmsg_parse_flush(struct kmsg_parser *p, struct kernel_report *out)
{
	unsigned int n = 0;

	if (p->rcu_open && !p->rcu_cpus)
		n = rcu_emit(p, out, KR_NO_CPU, NULL) - out;
	p->rcu_open = false;
	return n;
}

unsigned int kmsg_parse(struct kmsg_parser *p, const struct kmsg_record *r,
			struct kernel_report out[KMSG_REPORTS_PER_RECORD])
{
	struct kernel_report *o = out;
	int64_t cpu;

	if (r->facility != 0 || r->truncated)
		return 0;
	if (p->rcu_open) {
		cpu = rcu_cpu_line(r->text);
		if (cpu >= 0)
			return rcu_emit(p, o, cpu, r->text) - out;
		if (rcu_end_line(r->text) || ++p->rcu_lines >= KMSG_RCU_MAX_LINES)
			return kmsg_parse_flush(p, o);
		if (rcu_header(r->text))	/* a new stall before the last one's end */
			o += kmsg_parse_flush(p, o);
	}
	if (rcu_header(r->text)) {
		memset(&p->rcu, 0, sizeof(p->rcu));
		p->rcu.kind = KR_RCU_STALL;
		p->rcu.seq = r->seq;
		p->rcu.log_us = r->usec;
		text_copy(p->rcu.text, sizeof(p->rcu.text), r->text, NULL);
		p->rcu_open = true;
		p->rcu_lines = p->rcu_cpus = 0;
		return o - out;
	}
	if (kmsg_report_parse(r->text, o)) {
		o->seq = r->seq;
		o->log_us = r->usec;
		o++;
	}
	return o - out;
}

// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "model/names.h"
#include "model/units.h"
#include "output/prometheus.h"

void prom_label_value(FILE *out, const char *v)
{
	fputc('"', out);
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
	fputc('"', out);
}

/* migtrace_<name>, then _seconds or _bytes by unit, then _total for counters. */
void prom_family_name(char *buf, size_t len, const struct metric_def *m)
{
	static const char *const units[] = {
		[UNIT_COUNT] = "", [UNIT_NS] = "_seconds", [UNIT_BYTES] = "_bytes",
		[UNIT_UNIX_S] = "_seconds",
	};

	snprintf(buf, len, "migtrace_%s%s%s", m->name, units[m->unit],
		 m->type == METRIC_COUNTER ? "_total" : "");
}

/* Nanoseconds as seconds, exactly: no floating point rounding. */
static void seconds(FILE *out, uint64_t ns)
{
	fprintf(out, "%llu.%09llu", (unsigned long long)(ns / NSEC_PER_SEC),
		(unsigned long long)(ns % NSEC_PER_SEC));
}

/* Label v of m is a sample: CPUs with drain work, event types from 1. */
static bool label_present(const struct metric_def *m, const struct snapshot *s, uint32_t v)
{
	if (m->label == LABEL_CPU)
		return snapshot_drain_cpu(s, v);
	return m->label != LABEL_EVENT_TYPE || v > 0;
}

/* The labels of one sample, without braces: `cpu="3"`; "" without a label. */
static void labels(FILE *out, const struct metric_def *m, const struct snapshot *s, uint32_t v)
{
	static const char *const sites[] = { "do_swap_page", "collect" };

	switch (m->label) {
	case LABEL_CPU:
		fprintf(out, "cpu=\"%u\"", v);
		break;
	case LABEL_EVENT_TYPE:
		fputs("type=", out);
		prom_label_value(out, event_type_name(v));
		break;
	case LABEL_TRYLOCK:
		fprintf(out, "site=\"%s\",outcome=\"%s\"", sites[v / 2], v % 2 ? "failed" : "ok");
		break;
	case LABEL_HOOK:
		fputs("hook=", out);
		prom_label_value(out, hook_defs[v].name);
		fprintf(out, ",mechanism=\"%s\",approximate=\"%s\"", mechanism_name(s->hooks[v].mech),
			s->hooks[v].approximate ? "true" : "false");
		break;
	case LABEL_KIND:
		fputs("kind=", out);
		prom_label_value(out, incident_kind_name(v));
		break;
	case LABEL_TABLE:
		fputs("table=\"open_incidents\"", out);
		break;
	default:
		break;
	}
}

/* `name{labels}` or `name`, then a space. */
static void series(FILE *out, const char *name, const char *suffix, const struct metric_def *m,
		   const struct snapshot *s, uint32_t v, const char *more)
{
	bool any = m->label != LABEL_NONE || more;

	fprintf(out, "%s%s%s", name, suffix, any ? "{" : "");
	labels(out, m, s, v);
	if (more)
		fprintf(out, "%s%s", m->label != LABEL_NONE ? "," : "", more);
	fputs(any ? "} " : " ", out);
}

/* Buckets are cumulative and never above _count, even if slots and count disagree. */
static void hist_samples(FILE *out, const char *name, const struct metric_def *m,
			 const struct snapshot *s, uint32_t v)
{
	struct mt_hist h;
	uint64_t cum = 0;
	char le[48];

	m->hist(s, v, &h);
	for (unsigned int slot = 0; slot < MT_HIST_SLOTS; slot++) {
		uint64_t bound = 1ULL << (slot + 1);

		cum += h.slots[slot];
		if (slot < PROM_FIRST_SLOT || slot == MT_HIST_SLOTS - 1)
			continue;
		/* Slot s holds [2^s, 2^(s+1)) ns: all of it is <= 2^(s+1) ns. */
		snprintf(le, sizeof(le), "le=\"%llu.%09llu\"", (unsigned long long)(bound / NSEC_PER_SEC),
			 (unsigned long long)(bound % NSEC_PER_SEC));
		series(out, name, "_bucket", m, s, v, le);
		fprintf(out, "%llu\n", (unsigned long long)(cum < h.count ? cum : h.count));
	}
	series(out, name, "_bucket", m, s, v, "le=\"+Inf\"");
	fprintf(out, "%llu\n", (unsigned long long)h.count);
	series(out, name, "_sum", m, s, v, NULL);
	seconds(out, h.sum_ns);
	fputc('\n', out);
	series(out, name, "_count", m, s, v, NULL);
	fprintf(out, "%llu\n", (unsigned long long)h.count);
}

static void family(FILE *out, const struct metric_def *m, const struct snapshot *total,
		   const struct snapshot *last)
{
	/* Counters and histograms add up over intervals; a gauge is the last one's. */
	const struct snapshot *s = m->type == METRIC_GAUGE ? last : total;
	char name[96];

	prom_family_name(name, sizeof(name), m);
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, m->help, name,
		m->type == METRIC_COUNTER ? "counter" : m->type == METRIC_GAUGE ? "gauge" :
		"histogram");
	for (uint32_t v = 0; v < metric_label_count(m->label); v++) {
		/* Which CPUs: those that ever had drain work, gauges included. */
		if (!label_present(m, total, v))
			continue;
		if (m->type == METRIC_HISTOGRAM) {
			hist_samples(out, name, m, s, v);
			continue;
		}
		series(out, name, "", m, s, v, NULL);
		if (m->unit == UNIT_NS)
			seconds(out, m->value(s, v));
		else
			fprintf(out, "%llu", (unsigned long long)m->value(s, v));
		fputc('\n', out);
	}
}

void prom_write(FILE *out, const struct snapshot *total, const struct snapshot *last)
{
	for (size_t i = 0; i < metric_count; i++) {
		const struct metric_def *m = &metric_defs[i];

		if (m->name && metric_defined(m, total))
			family(out, m, total, last);
	}
}

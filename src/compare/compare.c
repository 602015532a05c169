// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare/compare.h"


void compare_opts_defaults(struct compare_opts *o)
{
	*o = (struct compare_opts){
		.alpha = 0.05, .conf = 0.95, .reps = 2000, .perm_reps = 20000, .seed = 1,
		.stall_ms = 1,
	};
}

const char *compare_test_name(enum compare_test t)
{
	switch (t) {
	case TEST_PERMUTATION: return "permutation";
	case TEST_FISHER: return "fisher";
	case TEST_EXCEEDANCE: return "exceedance(within-run)";
	case TEST_FISHER_WITHIN: return "fisher(within-run)";
	default: return "none";
	}
}

bool compare_test_within_run(enum compare_test t)
{
	return t == TEST_EXCEEDANCE || t == TEST_FISHER_WITHIN;
}

/* "6.1.0-18-amd64" -> "6.1.0": patch variants differ after it, machines before. */
static void kernel_base(const char *rel, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(rel, "-+_ "), rel);
}

static void hooks_signature(const struct rec_header *h, char *out, size_t len)
{
	size_t off = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < HOOK_MAX && off < len; i++)
		off += snprintf(out + off, len - off, "%s%s=%s", i ? "," : "", hook_defs[i].name,
				mechanism_name(h->hooks[i].mech));
}

static void differ(struct conditions *c, const char *what, const char *a_path, const char *a,
		   const char *b_path, const char *b)
{
	size_t off = strlen(c->differences);

	c->differ = true;
	if (off < sizeof(c->differences) - 1)
		snprintf(c->differences + off, sizeof(c->differences) - off,
			 "%s: %s has %s, %s has %s\n", what, a_path, a, b_path, b);
}

void compare_conditions(const struct variant *v, size_t n, struct conditions *c)
{
	const struct run_samples *first = &v[0].runs[0];
	const struct rec_header *h0 = &first->run.hdr;
	char base0[64], sig0[1024];

	memset(c, 0, sizeof(*c));
	snprintf(c->kernel, sizeof(c->kernel), "%s", h0->kernel);
	c->ncpus = h0->ncpus;
	snprintf(c->virt, sizeof(c->virt), "%s", h0->virt);
	snprintf(c->cpu_model, sizeof(c->cpu_model), "%s", h0->cpu_model);
	kernel_base(h0->kernel, base0, sizeof(base0));
	hooks_signature(h0, sig0, sizeof(sig0));
	for (size_t i = 0; i < n; i++)
		for (size_t r = 0; r < v[i].nruns; r++) {
			const struct run_samples *rs = &v[i].runs[r];
			const struct rec_header *h = &rs->run.hdr;
			char base[64], sig[1024], a[16], b[16];

			if (strcmp(h->kernel, c->kernel))
				snprintf(c->kernel, sizeof(c->kernel), "per variant");
			kernel_base(h->kernel, base, sizeof(base));
			if (strcmp(base, base0))
				differ(c, "kernel version", first->path, h0->kernel, rs->path, h->kernel);
			if (h->ncpus != h0->ncpus) {
				snprintf(a, sizeof(a), "%u", h0->ncpus);
				snprintf(b, sizeof(b), "%u", h->ncpus);
				differ(c, "CPU count", first->path, a, rs->path, b);
			}
			if (strcmp(h->virt, h0->virt))
				differ(c, "virtualization", first->path, h0->virt, rs->path, h->virt);
			if (strcmp(h->cpu_model, h0->cpu_model))
				differ(c, "CPU model", first->path, h0->cpu_model, rs->path,
				       h->cpu_model);
			hooks_signature(h, sig, sizeof(sig));
			if (strcmp(sig, sig0))
				differ(c, "hook mechanisms", first->path, "one set", rs->path,
				       "another (see 'migtrace report')");
		}
}

void compare_gather(const struct variant *v, enum compare_metric_id m, struct samples *pooled,
		    struct samples *runvals)
{
	const struct compare_metric *d = &compare_metrics[m];

	for (size_t r = 0; r < v->nruns; r++) {
		const struct samples *s = &v->runs[r].m[m];
		size_t start = pooled->n;

		if (!s->n)
			continue;
		for (size_t k = 0; k < s->n; k++)
			samples_push(pooled, s->v[k] / d->scale);
		if (runvals)
			samples_push(runvals, d->rate ? stats_hmean(pooled->v + start, s->n)
						      : stats_amean(pooled->v + start, s->n));
	}
}

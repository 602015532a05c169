// SPDX-License-Identifier: GPL-2.0
/* "migtrace exposure" (and caps' host section): facts, release table, verdicts. */
#include "core/facts_file.h"
#include "output/exposure_print.h"
#include "output/json.h"

static void json_lines(struct json *j, const char *key, const char (*lines)[EX_LINE], int n)
{
	json_key_arr(j, key);
	for (int i = 0; i < n; i++)
		json_str(j, NULL, lines[i]);
	json_close_arr(j);
}

static void print_json(FILE *out, const struct exposure *e)
{
	struct json j;

	for (int i = 0; i < EX_MAX; i++) {
		const struct ex_fact *f = &e->d.f[i];

		json_begin(&j, out, "host_fact");
		json_str(&j, "name", ex_names[i]);
		json_str(&j, "value", f->value);
		json_bool(&j, "known", f->state != TRI_UNKNOWN);
		json_str(&j, f->state != TRI_UNKNOWN ? "source" : "unknown_reason", f->source);
		json_end(&j);
	}
	json_begin(&j, out, "exposure_versions");
	json_key_arr(&j, "rows");
	for (int i = 0; exposure_version_table[i]; i++)
		json_str(&j, NULL, exposure_version_table[i]);
	json_close_arr(&j);
	json_end(&j);
	for (int s = 0; s < SHAPE_MAX; s++) {
		const struct ex_verdict *v = &e->v[s];

		json_begin(&j, out, "exposure");
		json_str(&j, "shape", shape_names[s]);
		json_str(&j, "verdict", verdict_names[v->host]);
		json_str(&j, "kernel_verdict", verdict_names[v->kernel]);
		json_lines(&j, "reasons", v->reasons, v->nreasons);
		json_lines(&j, "assumed", v->assumed, v->nassumed);
		json_lines(&j, "reported_by", v->reported_by, v->nreported);
		json_end(&j);
	}
}

void exposure_print(FILE *out, const struct exposure *e, bool json)
{
	if (json) {
		print_json(out, e);
		return;
	}
	fprintf(out, "HOST EXPOSURE to the device-private migration livelock "
		"(migtrace(8), EXPOSURE)\n%-22s %-26s %s\n", "FACT", "VALUE", "SOURCE");
	for (int i = 0; i < EX_MAX; i++)
		fprintf(out, "%-22s %-26s %s%s\n", ex_labels[i], e->d.f[i].value,
			e->d.f[i].state == TRI_UNKNOWN ? "unknown: " : "", e->d.f[i].source);
	fprintf(out, "release table (where symbols cannot tell):\n");
	for (int i = 0; exposure_version_table[i]; i++)
		fprintf(out, "  - %s\n", exposure_version_table[i]);
	fprintf(out, "%-22s %s\n", "SHAPE", "VERDICT");
	for (int s = 0; s < SHAPE_MAX; s++) {
		const struct ex_verdict *v = &e->v[s];

		fprintf(out, "%-22s %s", shape_labels[s], verdict_names[v->host]);
		if (v->kernel != v->host)
			fprintf(out, " (this kernel: %s)", verdict_names[v->kernel]);
		fputc('\n', out);
		for (int i = 0; i < v->nreasons; i++)
			fprintf(out, "  - %s\n", v->reasons[i]);
		for (int i = 0; i < v->nassumed; i++)
			fprintf(out, "  - assumed: %s\n", v->assumed[i]);
		for (int i = 0; i < v->nreported; i++)
			fprintf(out, "  - reported by: %s\n", v->reported_by[i]);
	}
}

void host_facts_print(FILE *out, const struct host_facts *h)
{
	char line[1024];

	for (int i = 0; i < HF_MAX; i++) {
		facts_file_line(line, sizeof(line), h, i);
		fputs(line, out);
	}
}

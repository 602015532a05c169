// SPDX-License-Identifier: GPL-2.0
#include <time.h>
#include "model/units.h"
#include "output/format.h"
#include "output/json.h"
#include "output/record_print.h"

void record_print_text(FILE *out, const struct replay *rp)
{
	const struct recording *run = &rp->run;
	const struct rec_header *h = &run->hdr;
	time_t start = h->start_realtime_ns / NSEC_PER_SEC;
	char when[64] = "?", b[16];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&start));
	fprintf(out, "record %s: label %s, kernel %s, %u CPUs, virt %s, started %s\n", run->name,
		h->label, h->kernel, h->ncpus, h->virt, when);
	if (h->command[0])
		fprintf(out, "command: %s\n", h->command);
	if (run->has_end) {
		fprintf(out, "ended: %s after %s", run->end.reason,
			fmt_ns(b, sizeof(b), run->end.wall_ns));
		if (run->end.has_exit)
			fprintf(out, ", exit status %d%s", run->end.exit_status,
				run->end.exit_signal ? " (killed by a signal)" : "");
		fputc('\n', out);
		if (run->end.result[0])
			fprintf(out, "%s\n", run->end.result);
	} else {
		fprintf(out, "ended: no end chunk (%s)\n", run->cut_off ?
			"cut off: killed or crashed" : "killed or crashed between chunks");
	}
	fprintf(out, "chunks %llu, events %llu, snapshots %llu, damaged %u, invalid events %llu\n\n",
		(unsigned long long)run->chunks, (unsigned long long)run->events,
		(unsigned long long)run->snapshots, run->damaged,
		(unsigned long long)run->bad_events);
}

void record_print_incidents(FILE *out, const struct replay *rp)
{
	if (!rp->nended)
		return;
	fprintf(out, "\nIncidents ended (%u%s), as the live run printed them\n", rp->nended,
		rp->nended == REPLAY_MAX_INCIDENTS ? ", more not listed" : "");
	for (uint32_t i = 0; i < rp->nended; i++)
		fprintf(out, "    %s\n", rp->ended[i].detail);
}

void record_print_json(FILE *out, const struct replay *rp)
{
	const struct recording *run = &rp->run;
	const struct rec_header *h = &run->hdr;
	struct json j;

	json_begin(&j, out, "record");
	json_str(&j, "file", run->name);
	json_str(&j, "label", h->label);
	json_str(&j, "kernel", h->kernel);
	json_u64(&j, "cpus", h->ncpus);
	json_str(&j, "virt", h->virt);
	json_str(&j, "hostname", h->hostname);
	json_u64(&j, "start_realtime_ns", h->start_realtime_ns);
	json_str(&j, "command", h->command);
	json_u64(&j, "chunks", run->chunks);
	json_u64(&j, "events", run->events);
	json_u64(&j, "invalid_events", run->bad_events);
	json_u64(&j, "snapshots", run->snapshots);
	json_u64(&j, "damaged", run->damaged);
	json_bool(&j, "cut_off", run->cut_off);
	json_bool(&j, "complete", run->has_end);
	if (run->has_end) {
		json_str(&j, "end_reason", run->end.reason);
		json_u64(&j, "wall_ns", run->end.wall_ns);
		if (run->end.has_exit)
			json_i64(&j, "exit_status", run->end.exit_status);
		if (run->end.result[0])
			json_str(&j, "result", run->end.result);
		if (run->end.has_throughput)
			json_dbl(&j, "throughput_per_s", run->end.throughput);
	}
	json_end(&j);
	for (uint32_t i = 0; i < rp->nended; i++) {
		const struct rec_incident *x = &rp->ended[i];

		json_begin(&j, out, "recorded_incident");
		json_u64(&j, "id", x->id);
		json_str(&j, "kind", x->kind);
		json_u64(&j, "start_ns", x->start_ns);
		json_u64(&j, "duration_ns", x->duration_ns);
		json_i64(&j, "cpu", x->cpu);
		json_u64(&j, "pid", x->pid);
		json_str(&j, "detail", x->detail);
		json_end(&j);
	}
}

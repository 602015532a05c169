// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for facts files (migtrace exposure --from): any bytes go
 * through the parser, the exposure logic and both renderers, as --from
 * would take them. Seeds: tests/data/exposure. make fuzz runs it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/exposure.h"
#include "core/facts_file.h"
#include "output/exposure_print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct host_facts h;
	static struct exposure e;
	static FILE *null;
	char err[256], *text;

	if (!null)
		null = fopen("/dev/null", "w");
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!facts_file_parse(text, &h, err, sizeof(err))) {
		exposure_evaluate(&h, &e);
		exposure_print(null, &e, false);
		exposure_print(null, &e, true);
		host_facts_print(null, &h);
	}
	free(text);
	return 0;
}

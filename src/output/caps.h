/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MIGTRACE_CAPS_H
#define MIGTRACE_CAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "model/hooks.h"

/* Text: one line per hook. JSON: one "caps" object per hook. */
void hooks_print_caps(FILE *out, const struct hook_status *st, bool json);

/*
 * A "hooks" JSON line when hooks held back while a CPU stalled came, failed
 * or are held at the start: which are held still, which attached, and the
 * note (how it went, in one line).
 */
void hooks_print_held(FILE *out, const struct hook_status *st, const char *note);

struct kev_sources;
/* The evidence sources beyond hooks (stack sampler, task discovery) as caps lines. */
void sources_print_caps(FILE *out, bool json, const struct kev_sources *src);

#endif

// SPDX-License-Identifier: GPL-2.0
#include "core/jiffies.h"
#include "model/units.h"

unsigned int hz_from_jiffies(uint64_t jiffies64, uint64_t mono_ns)
{
	/* CONFIG_HZ choices of every architecture in 6.x. */
	static const unsigned int choices[] = { 24, 32, 48, 64, 100, 128, 200, 250, 256, 300,
						500, 1000, 1024, 1200 };
	double seconds = (double)mono_ns / NSEC_PER_SEC;
	unsigned int found = 0;

	for (unsigned int i = 0; i < sizeof(choices) / sizeof(choices[0]); i++) {
		unsigned int hz = choices[i];
		uint64_t initial = (uint32_t)(-300 * (int64_t)hz);
		double elapsed = (double)(int64_t)(jiffies64 - initial);	/* ticks since boot */
		double want = seconds * hz, err = elapsed - want;

		if (err < 0)
			err = -err;
		/*
		 * The clocks start apart by under a second (0.26 s measured on
		 * 6.18); 0.1 % on top for drift. Neighbours such as 250 and 256
		 * then differ beyond it except near 300 s after boot.
		 */
		if (err > hz + want * 0.001)
			continue;
		if (found)
			return 0;
		found = hz;
	}
	return found;
}

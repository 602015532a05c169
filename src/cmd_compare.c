// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include "commands.h"

int cmd_compare(int argc, char **argv)
{
	fprintf(stderr, "migtrace compare: not yet\n");
	return 1;
}

/* tests/live/live_driver.c -- `sigtrail live` until main.c dispatches it:
 * live_driver live -i IFACE ... runs an_live_main() with the same argv. */
#include <stdio.h>
#include <string.h>
#include "analyze/live.h"

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "live") != 0) {
		fprintf(stderr, "usage: live_driver live -i IFACE ...\n");
		return 2;
	}
	return an_live_main(argc - 1, argv + 1);
}

/* tests/report/report_main.c -- a tiny driver for rep_html_write() until
 * `sigtrail report DB [-o FILE]` exists in main.c:
 *   report_main DB OUT.html
 * Build by hand: see tests/report/build_driver.sh. */
#include <stdio.h>
#include "report/html.h"
#include "util/err.h"

int main(int argc, char **argv)
{
	char err[512] = "";
	if (argc != 3) {
		fprintf(stderr, "usage: %s DB OUT.html\n", argv[0]);
		return 2;
	}
	int rc = rep_html_write(argv[1], argv[2], err, sizeof(err));
	if (rc != ST_OK) {
		fprintf(stderr, "report: %s (%s)\n", err, st_strerror(rc));
		return 5;
	}
	return 0;
}

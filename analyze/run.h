/* analyze/run.h -- `sigtrail analyze`: capture files in, database out.
 *
 * One streaming pass: frames from capture/source, DNS messages from
 * capture/pipeline, decoded by decode/, matched into transactions, stored
 * by analyze/db. The caller (main.c) owns the options and prints. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "capture/pipeline.h"

struct an_anchors;

struct an_run_opts {
	const char *const *captures;
	size_t ncaptures;
	const char *db_path;
	struct cap_config cap;
	FILE *progress;          /* where to draw progress, NULL for none */
	const struct an_anchors *anchors; /* trust anchors, NULL for none */
};

/* What the run produced, for the closing summary and the exit code. */
struct an_run_result {
	uint64_t frames, messages, queries, responses, malformed;
	uint64_t anomalies, unanswered, unsolicited;
	uint64_t bogus;          /* RRSIGs that failed validation */
	int inputs_failed;       /* files that could not be read at all */
	int inputs_partial;      /* files cut off or broken mid-way */
	char error[512];         /* set when an_run returns an error */
};

/* Returns ST_OK (result filled; check inputs_partial), ST_EFORMAT or
 * ST_EIO when an input cannot be read (nothing written), ST_EDB when the
 * database cannot be written, ST_ENOMEM. res->error says which. */
int an_run(const struct an_run_opts *o, struct an_run_result *res);

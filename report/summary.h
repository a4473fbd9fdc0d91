/* report/summary.h -- `sigtrail summary DB`: the analysis in plain text,
 * for a terminal or a ticket. Reads the database as untrusted input; every
 * string read from it is escaped before printing. */
#pragma once
#include <stdio.h>

/* Writes the summary of the database at path to out. Returns ST_OK, or a
 * negative st_err with a sentence in err (missing file, not a sigtrail
 * database, query failure). */
int rep_summary(const char *path, FILE *out, char *err, size_t errlen);

/* The short closing summary `sigtrail analyze` prints (a subset). */
int rep_summary_brief(const char *path, FILE *out, char *err, size_t errlen);

/* "2026-05-05 10:00:00.123456Z" at the resolution given (ns per tick). */
void rep_format_time(char *dst, size_t dstlen, long long ts_ns, long long resol_ns);

/* report/out.h -- writing pieces of the HTML report: escaped text,
 * UTC times, durations.
 *
 * Everything here writes to a stdio stream the caller owns. Text read
 * from the database is untrusted (a foreign database, or packet bytes
 * escaped by analyze/): rep_out_text() passes it through util/escape.h,
 * st_escape_printable() then st_escape_html(), so the page receives only
 * printable ASCII with & < > " ' as entities. Owned by the report
 * engineer; used by report/html.c, report/svg.c and the section files. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Longest text shown from one database value, in escaped characters;
 * longer values are cut and end in "[...]". */
#define REP_OUT_TEXT_MAX 4096

/* Writes s (NULL is written as "") escaped for HTML text or a quoted
 * attribute value. */
void rep_out_text(FILE *f, const char *s);

/* "11:47:24Z", or "11:47:24.350Z" when ms is set (UTC). */
void rep_fmt_clock(char *dst, size_t dstlen, int64_t ts_ns, int ms);
/* "2026-11-23 11:47:24Z" (UTC, whole seconds). */
void rep_fmt_date(char *dst, size_t dstlen, int64_t ts_ns);
/* "2h03m05s", "7m27s", "42s", "1.250s", "35ms". */
void rep_fmt_dur(char *dst, size_t dstlen, int64_t ns);

/* report/html.h -- `sigtrail report DB [-o FILE]`: the incident as one
 * self-contained HTML file.
 *
 * The page has no external references of any kind: inline CSS, inline SVG
 * charts drawn by report/svg.c, one small inline script (table sorting)
 * whose SHA-256 is the only script the page's Content-Security-Policy
 * allows, and a print stylesheet. It reads without the script.
 *
 * The database is untrusted input: it is opened with an_db_open_read()
 * (read-only, defensive, schema version checked), queried with constant
 * SQL only, and every text value read from it is escaped with util/escape.h
 * (st_escape_printable, then st_escape_html) before it reaches the page.
 *
 * Sections: headline and phases, timelines, key history and per-server
 * attribution, affected names and zones, resolver behaviour, evidence
 * (frames and tshark filters), inputs and method. docs/report.md explains
 * each one. Owned by the report engineer. */
#pragma once
#include <stddef.h>

/* Writes the report of the database at db_path to out_path ("-" for
 * standard output). The file is written next to out_path under a
 * temporary name and renamed into place when complete, so a failed run
 * leaves no half report. Returns ST_OK, or a negative st_err (util/err.h)
 * with a sentence in err: ST_EDB (missing file, not a sigtrail database,
 * query failure), ST_EIO (cannot write out_path), ST_ENOMEM. */
int rep_html_write(const char *db_path, const char *out_path, char *err, size_t errlen);

/* util/err.h -- sigtrail's error codes and their one string table.
 *
 * Errors are negative codes (knot, ldns style); ST_OK is 0. A validation
 * outcome is never an error: verdicts are data (see analyze/). In capture/
 * and decode/ a malformed packet is a counted anomaly, not a failure of
 * the program; only ENOMEM, I/O on the capture itself and SQLite failures
 * are fatal. */
#pragma once

enum st_err {
	ST_OK      =  0,
	ST_ENOMEM  = -1, /* malloc failed */
	ST_ELIMIT  = -2, /* a cap on memory or work was hit: count it, go on */
	ST_ETRUNC  = -3, /* bytes end before the structure does (snaplen, cut file) */
	ST_EMALF   = -4, /* bytes contradict themselves (bad pointer, RDLENGTH) */
	ST_EUNSUPP = -5, /* well formed, not handled (link type, algorithm) */
	ST_EIO     = -6, /* file or pcap I/O; errno / pcap_geterr() has more */
	ST_EDB     = -7, /* SQLite; sqlite3_errmsg() has more */
	ST_EFORMAT = -8, /* a file that is not what it should be (not a capture) */
	ST_EINVAL  = -9, /* bad argument from the command line or caller */
};
#define ST_ERR_COUNT 10

/* Static text for an error code; never NULL, "unknown error" for others. */
const char *st_strerror(int err);

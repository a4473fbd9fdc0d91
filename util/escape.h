/* util/escape.h -- the one door out: every byte that came from a packet
 * reaches a terminal, an HTML page, a log line or a CSV cell through these.
 *
 * All functions write a NUL-terminated string into dst (at most dstlen
 * bytes, dstlen >= 1) and return the length the full output would have
 * had (like snprintf), so a caller can detect truncation. Output never
 * contains a byte outside printable ASCII 0x20-0x7E, except st_escape_html
 * which passes only printable ASCII too and encodes the rest. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* dig/RFC 1035 style for one label's bytes: printable ASCII as is,
 * the specials . ; ( ) \ " @ $ and space as \X, every other byte \DDD. */
size_t st_escape_label(char *dst, size_t dstlen, const uint8_t *src, size_t len);

/* Free text (EDE EXTRA-TEXT, TXT strings): printable ASCII as is, '\\' and
 * '"' as \\ and \", every other byte (controls, DEL, any byte >= 0x80,
 * so also UTF-8, bidi overrides and C1 controls) as \DDD. */
size_t st_escape_text(char *dst, size_t dstlen, const uint8_t *src, size_t len);

/* HTML text and attribute values: an already-escaped ASCII string (from
 * the two functions above) with & < > " ' encoded as entities, and any
 * byte outside 0x20-0x7E as &#NNN;. */
size_t st_escape_html(char *dst, size_t dstlen, const char *src);

/* Text read back from a database or file that should already be escaped
 * ASCII but is untrusted (a foreign database): printable ASCII passes
 * unchanged (backslashes included, so escapes are not doubled), every
 * other byte becomes \DDD. Same return convention as above. */
size_t st_escape_printable(char *dst, size_t dstlen, const char *src);

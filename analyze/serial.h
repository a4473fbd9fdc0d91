/* analyze/serial.h -- RFC 1982 serial number arithmetic for 32-bit times,
 * and the RRSIG validity window check (RFC 4034 3.1.5, RFC 4035 5.3.1).
 *
 * RRSIG inception and expiration are 32-bit seconds since 1970 modulo 2^32,
 * compared by serial arithmetic, so they work across 2038 (2^31) and 2106
 * (2^32). Everything here is unsigned arithmetic: no int32_t subtraction
 * (which is what ldns's own check does, and is undefined on overflow).
 *
 * The rule for a distance of exactly 2^31, which RFC 1982 leaves undefined:
 * such two values are NOT ordered (neither is before the other), and the
 * window check demands a proven order, so a time exactly 2^31 away from a
 * window end is outside the window. The reason reported is the first of
 * these comparisons that fails, in this order:
 *   inception <= expiration, else EDE 25 (expired before valid);
 *   inception <= at,         else EDE 8  (not yet valid);
 *   at <= expiration,        else EDE 7  (expired).
 * Time is a parameter: `at` is the packet time (seconds since the epoch,
 * truncated to 32 bits); nothing here reads the clock. No state, no
 * allocation, no failure. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "analyze/result.h"

#define AN_SERIAL_HALF 0x80000000u /* 2^31: the undefined distance */

/* a before b: (b - a) mod 2^32 in [1, 2^31 - 1]. */
static inline bool an_serial_lt(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;
	return d != 0 && d < AN_SERIAL_HALF;
}

/* a before or equal to b. False when a and b are exactly 2^31 apart. */
static inline bool an_serial_le(uint32_t a, uint32_t b)
{
	return a == b || an_serial_lt(a, b);
}

/* -1, 0, +1; 2 when exactly 2^31 apart (no order). */
int an_serial_cmp(uint32_t a, uint32_t b);

/* RRSIG window at time `at`. Fills res->verdict/reason/ede/why/at; valid is
 * AN_VALID with ede AN_EDE_NONE, otherwise AN_BOGUS with EDE 25, 8 or 7
 * (see the rule above). Returns res->reason. key_tag is left alone. */
enum an_reason an_rrsig_window(uint32_t inception, uint32_t expiration, uint32_t at,
			       struct an_result *res);

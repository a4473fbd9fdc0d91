/* analyze/serial.c -- RFC 1982 comparisons and the RRSIG window. */
#include "analyze/serial.h"

int an_serial_cmp(uint32_t a, uint32_t b)
{
	if (a == b)
		return 0;
	if (b - a == AN_SERIAL_HALF)
		return 2;
	return an_serial_lt(a, b) ? -1 : 1;
}

/* RFC 4035 5.3.1: "The validator's notion of the current time MUST be less
 * than or equal to the time listed in the RRSIG RR's Expiration field" and
 * "greater than or equal to the time listed in the Inception field". */
enum an_reason an_rrsig_window(uint32_t inception, uint32_t expiration, uint32_t at,
			       struct an_result *res)
{
	res->at = at;
	if (!an_serial_le(inception, expiration)) {
		res->verdict = AN_BOGUS;
		res->reason = AN_R_EXPIRED_BEFORE_VALID;
		res->ede = AN_EDE_SIGNATURE_EXPIRED_BEFORE_VALID;
	} else if (!an_serial_le(inception, at)) {
		res->verdict = AN_BOGUS;
		res->reason = AN_R_NOT_YET_VALID;
		res->ede = AN_EDE_SIGNATURE_NOT_YET_VALID;
	} else if (!an_serial_le(at, expiration)) {
		res->verdict = AN_BOGUS;
		res->reason = AN_R_EXPIRED;
		res->ede = AN_EDE_SIGNATURE_EXPIRED;
	} else {
		res->verdict = AN_VALID;
		res->reason = AN_R_OK;
		res->ede = AN_EDE_NONE;
	}
	res->why = an_reason_str(res->reason);
	return res->reason;
}

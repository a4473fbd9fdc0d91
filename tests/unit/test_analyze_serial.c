/* tests/unit/test_analyze_serial.c -- RFC 1982 and the RRSIG window,
 * table-driven per THREATS.md G1 and G3. */
#include "analyze/serial.h"
#include "tests/tap.h"

struct wcase {
	const char *name;
	uint32_t inc, exp, at;
	enum an_reason want;
	int ede;
};

#define Y2038 0x7FFFFFFFu /* 2038-01-19T03:14:07Z */
#define WRAP_I 0xFFFFFF00u
#define WRAP_E 0x00000100u

static const struct wcase cases[] = {
	{ "plain inside", 1000, 2000, 1500, AN_R_OK, -1 },
	{ "at inception", 1000, 2000, 1000, AN_R_OK, -1 },
	{ "at expiration", 1000, 2000, 2000, AN_R_OK, -1 },
	{ "1 s before inception", 1000, 2000, 999, AN_R_NOT_YET_VALID, 8 },
	{ "1 s after expiration", 1000, 2000, 2001, AN_R_EXPIRED, 7 },
	{ "expired before valid", 2000, 1000, 1500, AN_R_EXPIRED_BEFORE_VALID, 25 },
	/* G1: window across the 2^32 wrap (2106-02-07T06:28:16Z) */
	{ "wrap: inside before 2^32", WRAP_I, WRAP_E, 0xFFFFFFF0u, AN_R_OK, -1 },
	{ "wrap: at 2^32-1", WRAP_I, WRAP_E, 0xFFFFFFFFu, AN_R_OK, -1 },
	{ "wrap: at 0 (2106)", WRAP_I, WRAP_E, 0, AN_R_OK, -1 },
	{ "wrap: inside after 2^32", WRAP_I, WRAP_E, 0x50, AN_R_OK, -1 },
	{ "wrap: 1 s before inception", WRAP_I, WRAP_E, WRAP_I - 1, AN_R_NOT_YET_VALID, 8 },
	{ "wrap: 1 s after expiration", WRAP_I, WRAP_E, WRAP_E + 1, AN_R_EXPIRED, 7 },
	{ "wrap reversed: expired before valid", WRAP_E, WRAP_I, 0, AN_R_EXPIRED_BEFORE_VALID, 25 },
	/* G1: 2038-01-19 +- 1 s, where int32 arithmetic changes sign */
	{ "2038 -1 s", Y2038 - 86400, Y2038 + 86400, Y2038 - 1, AN_R_OK, -1 },
	{ "2038 exact", Y2038 - 86400, Y2038 + 86400, Y2038, AN_R_OK, -1 },
	{ "2038 +1 s", Y2038 - 86400, Y2038 + 86400, Y2038 + 1, AN_R_OK, -1 },
	{ "expires 2038, at +1 s", Y2038 - 86400, Y2038, Y2038 + 1, AN_R_EXPIRED, 7 },
	{ "starts after 2038, at 2038", Y2038 + 1, Y2038 + 86400, Y2038, AN_R_NOT_YET_VALID, 8 },
	/* 2106 (uint32 time wraps): packet time 2106-02-07T06:28:15Z and +1 s */
	{ "2106 -1 s", 0xFFFF0000u, 0x00010000u, 0xFFFFFFFFu, AN_R_OK, -1 },
	{ "2106 +1 s", 0xFFFF0000u, 0x00010000u, 0x00000000u, AN_R_OK, -1 },
	/* exactly 2^31: no order, so outside (documented rule in serial.h) */
	{ "span exactly 2^31", 0, AN_SERIAL_HALF, 5, AN_R_EXPIRED_BEFORE_VALID, 25 },
	{ "span 2^31 - 1", 0, AN_SERIAL_HALF - 1, 5, AN_R_OK, -1 },
	{ "at exactly 2^31 after inception", 0, 100, AN_SERIAL_HALF, AN_R_NOT_YET_VALID, 8 },
	{ "at exactly 2^31 before expiration", AN_SERIAL_HALF - 100, AN_SERIAL_HALF - 1,
	  0xFFFFFFFFu, AN_R_NOT_YET_VALID, 8 },
	/* G3: 0 s window and a 68-year window */
	{ "0 s window, at it", 5000, 5000, 5000, AN_R_OK, -1 },
	{ "0 s window, 1 s late", 5000, 5000, 5001, AN_R_EXPIRED, 7 },
	{ "68-year window", 0, 0x7FFF0000u, 0x7FF00000u, AN_R_OK, -1 },
	/* RFC 6605 example window (2010) seen from 2026: expired */
	{ "2010 window at 2026", 1281607479u, 1284026679u, 1777939200u, AN_R_EXPIRED, 7 },
};

int main(void)
{
	ok(an_serial_lt(1, 2), "1 < 2");
	ok(!an_serial_lt(2, 1), "!(2 < 1)");
	ok(an_serial_lt(0xFFFFFFFFu, 0), "2^32-1 < 0 (wrap)");
	ok(!an_serial_lt(0, AN_SERIAL_HALF) && !an_serial_lt(AN_SERIAL_HALF, 0),
	   "2^31 apart: neither before");
	ok(an_serial_lt(0, AN_SERIAL_HALF - 1), "0 < 2^31-1");
	ok(an_serial_lt(AN_SERIAL_HALF + 1, 0), "2^31+1 < 0");
	is_int(an_serial_cmp(7, 7), 0, "cmp equal");
	is_int(an_serial_cmp(7, 8), -1, "cmp less");
	is_int(an_serial_cmp(8, 7), 1, "cmp greater");
	is_int(an_serial_cmp(1, 1 + AN_SERIAL_HALF), 2, "cmp undefined");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct wcase *c = &cases[i];
		struct an_result r = { 0 };
		enum an_reason got = an_rrsig_window(c->inc, c->exp, c->at, &r);
		is_int(got, c->want, "%s: reason", c->name);
		is_int(r.verdict, c->want == AN_R_OK ? AN_VALID : AN_BOGUS, "%s: verdict", c->name);
		is_int(r.ede, c->ede < 0 ? AN_EDE_NONE : c->ede, "%s: ede", c->name);
		ok(r.why != NULL && r.at == c->at, "%s: why and at set", c->name);
	}
	return done_testing();
}

/* analyze/result.c -- reason strings for struct an_result. */
#include "analyze/result.h"

static const char *const reason_str[AN_R_COUNT] = {
	[AN_R_OK] = "valid",
	[AN_R_SIG_BAD] = "signature does not verify under the key",
	[AN_R_SIG_MALFORMED] = "signature length wrong for the algorithm",
	[AN_R_ALG_MISMATCH] = "RRSIG algorithm differs from the DNSKEY algorithm",
	[AN_R_ALG_UNSUPPORTED] = "unsupported DNSKEY algorithm",
	[AN_R_KEY_MALFORMED] = "malformed DNSKEY public key",
	[AN_R_KEY_UNSUPPORTED] = "unsupported DNSKEY key shape",
	[AN_R_KEY_UNUSABLE] = "DNSKEY may not validate (protocol, zone bit or REVOKE)",
	[AN_R_NOT_YET_VALID] = "signature not yet valid",
	[AN_R_EXPIRED] = "signature expired",
	[AN_R_EXPIRED_BEFORE_VALID] = "signature expired before it became valid",
	[AN_R_LIMIT] = "validation work limit reached",
	[AN_R_INTERNAL] = "crypto library refused the operation",
};

const char *an_reason_str(enum an_reason r)
{
	if ((unsigned)r >= AN_R_COUNT || !reason_str[r])
		return "unknown reason";
	return reason_str[r];
}

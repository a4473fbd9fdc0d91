/* tests/unit/test_analyze_anchor.c -- trust anchors: the built-in root
 * KSKs equal Debian's dns-root-data (an independent copy of IANA's
 * root-anchors), a DNSKEY anchor becomes the same DS as IANA publishes,
 * and bad anchor files give clear errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze/anchor.h"
#include "tests/tap.h"
#include "util/err.h"

static int same(const struct an_anchor *a, const struct an_anchor *b)
{
	return a->zone.len == b->zone.len && !memcmp(a->zone.wire, b->zone.wire, a->zone.len) &&
	       a->rdlen == b->rdlen && !memcmp(a->rdata, b->rdata, a->rdlen);
}

static int contains(const struct an_anchors *set, const struct an_anchor *a)
{
	for (size_t i = 0; i < set->n; i++)
		if (same(&set->a[i], a))
			return 1;
	return 0;
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof(path), "/tmp/sigtrail-anchor-%d", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

int main(void)
{
	static struct an_anchors builtin, debian_ds, debian_key, tmp;
	char err[256];
	an_anchors_builtin(&builtin);
	is_int((long long)builtin.n, 2, "two built-in root anchors");
	int rc = an_anchors_load(&debian_ds, "/usr/share/dns/root.ds", err, sizeof(err));
	if (rc != ST_OK) {
		diag("dns-root-data not installed: %s", err);
	} else {
		is_int((long long)debian_ds.n, 2, "root.ds has two DS records");
		ok(contains(&debian_ds, &builtin.a[0]) && contains(&debian_ds, &builtin.a[1]),
		   "built-in anchors are byte-identical to /usr/share/dns/root.ds");
	}
	/* root.key holds the KSKs as DNSKEY records: converted, they must give
	 * IANA's DS records (RFC 4509 SHA-256 over owner | RDATA). */
	rc = an_anchors_load(&debian_key, "/usr/share/dns/root.key", err, sizeof(err));
	if (rc == ST_OK) {
		int found = 0;
		for (size_t i = 0; i < debian_key.n; i++)
			found += contains(&builtin, &debian_key.a[i]);
		is_int(found, 2, "root.key DNSKEYs hash to the built-in DS records");
	} else {
		diag("root.key not readable: %s", err);
	}
	is_int(an_anchors_load(&tmp, "/nonexistent/anchors", err, sizeof(err)), ST_EIO, "missing file: ST_EIO");
	ok(strstr(err, "/nonexistent/anchors") != NULL, "the error names the file: %s", err);
	is_int(an_anchors_load(&tmp, write_tmp("; only a comment\n"), err, sizeof(err)), ST_EFORMAT,
	       "a file without DS or DNSKEY is refused");
	is_int(an_anchors_load(&tmp, write_tmp("example. IN DS not-a-number 8 2 00\n"), err, sizeof(err)),
	       ST_EFORMAT, "a malformed record is refused");
	ok(strstr(err, ":1:") != NULL, "with its line number: %s", err);
	size_t before = tmp.n;
	is_int(an_anchors_load(&tmp, write_tmp("example. 3600 IN DS 31589 8 2 "
					       "CDE0D742D6998AA554A92D890F8184C698CFAC8A26FA59875A990C03E576343C\n"
					       "example. IN A 192.0.2.1\n"), err, sizeof(err)),
	       ST_OK, "DS with TTL accepted, other types skipped");
	is_int((long long)(tmp.n - before), 1, "one anchor added");
	is_int(tmp.a[before].rdlen, 36, "DS RDATA of 36 bytes");
	is_int(tmp.a[before].rdata[0] << 8 | tmp.a[before].rdata[1], 31589, "its key tag");
	unlink(write_tmp(""));
	return done_testing();
}

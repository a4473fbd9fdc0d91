/* tests/fuzz/fuzz_analyze.c -- the whole analysis over one capture file:
 * capture/ (file reader, link, IP, fragments, TCP), decode/, transaction
 * matching, the validator and the SQLite writer, into an in-memory
 * database. The input is written to a temporary file because capture/
 * reads files by path, like libpcap's own fuzz_pcap. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "analyze/run.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/sigtrail-fuzz-%d.cap", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	const char *caps[] = { path };
	struct an_run_opts o = { .captures = caps, .ncaptures = 1, .db_path = ":memory:" };
	cap_config_defaults(&o.cap);
	struct an_run_result res;
	int rc = an_run(&o, &res);
	/* Only these outcomes are possible for any input (never ENOMEM at
	 * these sizes, never a database error in memory). */
	if (rc != ST_OK && rc != ST_EFORMAT && rc != ST_EIO)
		abort();
	unlink(path);
	return 0;
}

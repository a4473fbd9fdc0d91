/* tests/fuzz/fuzz_pcapng.c -- any bytes as a capture file through
 * cap_source: sniffing, libpcap's classic reader, our pcapng reader.
 * The input goes to a temp file (the source opens paths); every frame's
 * bytes are touched so ASan sees a read past caplen. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void fuzz_cleanup(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/fuzz_pcapng.%ld", (long)getpid());
		atexit(fuzz_cleanup);
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return 0;
	if (size && fwrite(data, 1, size, f) != size) {
		fclose(f);
		return 0;
	}
	fclose(f);
	const char *paths[2] = { path, path };
	struct cap_source *s;
	/* Twice, so the merge runs over the same frames. */
	if (cap_source_open(&s, paths, 1 + (size & 1)) != 0)
		abort();
	struct cap_frame fr;
	unsigned sum = 0;
	int rc;
	while ((rc = cap_source_next(s, &fr)) == 1) {
		for (uint32_t i = 0; i < fr.caplen; i++)
			sum += fr.data[i];
	}
	if (rc < 0)
		abort();
	size_t n;
	const struct cap_file_info *fi = cap_source_files(s, &n);
	for (size_t i = 0; i < n; i++)
		if (fi[i].status != 0 && !fi[i].error[0])
			abort(); /* every failure has a sentence */
	cap_source_close(s);
	return (int)(sum & 0);
}

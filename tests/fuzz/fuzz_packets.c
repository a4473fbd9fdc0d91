/* tests/fuzz/fuzz_packets.c -- capture/ pipeline fuzz target (Zeek style).
 *
 * The input is split on the 4-byte separator "\1PKT" into at most 64
 * chunks; the first byte of each chunk is a time step in seconds, the rest
 * one raw IP packet (linktype 101). Every chunk goes through one pipeline
 * on port 53 whose handler touches every byte of each message; then
 * finish and free. Small caps make eviction and gap paths reachable. */
#include <stdint.h>
#include <string.h>
#include "capture/pipeline.h"
#include "util/err.h"

#define FUZZ_MAX_CHUNKS 64

static volatile uint8_t sink;

static int on_msg(void *ctx, const struct cap_msg *m)
{
	(void)ctx;
	uint8_t x = 0;
	for (size_t i = 0; i < m->len; i++)
		x ^= m->wire[i];
	sink ^= x;
	return ST_OK;
}

static void on_anom(void *ctx, uint32_t file, uint64_t frame, const char *kind,
		    const char *detail)
{
	(void)ctx;
	(void)file;
	(void)frame;
	sink ^= (uint8_t)(strlen(kind) + strlen(detail));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_config cfg;
	cap_config_defaults(&cfg);
	cfg.frag_mem_max = 64 << 10;
	cfg.tcp_mem_max = 256 << 10;
	cfg.tcp_flow_max_pending = 8 << 10;
	cfg.tcp_flows_max = 8;
	struct cap_handler h = { NULL, on_msg, on_anom };
	struct cap_pipeline *p = cap_pipeline_new(&cfg, &h);
	if (!p)
		return 0;
	int64_t ts = 0;
	uint64_t number = 0;
	size_t pos = 0;
	while (pos < size && number < FUZZ_MAX_CHUNKS) {
		const uint8_t *sep = NULL;
		for (size_t i = pos; i + 4 <= size; i++)
			if (memcmp(data + i, "\1PKT", 4) == 0) {
				sep = data + i;
				break;
			}
		size_t end = sep ? (size_t)(sep - data) : size;
		if (end > pos) {
			ts += (int64_t)data[pos] * 1000000000;
			struct cap_frame f = {
				.ts_ns = ts, .tsresol_ns = 1000, .number = ++number,
				.linktype = 101, .caplen = (uint32_t)(end - pos - 1),
				.len = (uint32_t)(end - pos - 1), .data = data + pos + 1,
			};
			cap_pipeline_frame(p, &f);
		}
		pos = sep ? end + 4 : size;
	}
	cap_pipeline_finish(p);
	cap_pipeline_free(p);
	return 0;
}

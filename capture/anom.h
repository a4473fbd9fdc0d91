/* capture/anom.h -- how capture/ reports an anomaly.
 *
 * Every module of capture/ reports through one struct cap_anom that the
 * pipeline owns: it bumps stats->anomalies and calls the handler's
 * on_anomaly (if any) with a static kind and a detail composed here from
 * numbers only, never from packet bytes. The struct only borrows the
 * handler and the stats. */
#pragma once
#include <stdint.h>
#include "capture/frame.h"
#include "capture/pipeline.h"

struct cap_anom {
	const struct cap_handler *h;
	struct cap_stats *st;
};

void cap_anom(struct cap_anom *a, uint32_t file, uint64_t frame,
	      const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* capture/anom.c -- anomaly reporting for capture/ (see anom.h). */
#include <stdarg.h>
#include <stdio.h>
#include "capture/anom.h"

void cap_anom(struct cap_anom *a, uint32_t file, uint64_t frame,
	      const char *kind, const char *fmt, ...)
{
	a->st->anomalies++;
	if (!a->h || !a->h->on_anomaly)
		return;
	char detail[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	a->h->on_anomaly(a->h->ctx, file, frame, kind, detail);
}

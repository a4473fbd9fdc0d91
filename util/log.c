/* util/log.c -- "sigtrail: what: message" lines on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include "util/log.h"

int st_log_verbosity;

void st_log(enum st_log_level level, const char *what, const char *fmt, ...)
{
	static const char *const prefix[] = { "error: ", "warning: ", "", "debug: " };
	if ((int)level - (int)ST_LOG_WARN > st_log_verbosity)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "sigtrail: %s%s%s", prefix[level], what ? what : "", what ? ": " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

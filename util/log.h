/* util/log.h -- diagnostics on stderr, unbound-style verbosity.
 *
 * Libraries (capture/, decode/, analyze/) stay silent: they return codes
 * and bump counters. Only main.c and the command drivers log. Errors and
 * warnings always print; info needs -v, debug -vv. Never pass packet
 * bytes to st_log unescaped: run them through util/escape.h first. */
#pragma once

enum st_log_level { ST_LOG_ERROR, ST_LOG_WARN, ST_LOG_INFO, ST_LOG_DEBUG };

/* 0 = quiet (errors, warnings), 1 = -v, 2 = -vv. */
extern int st_log_verbosity;

void st_log(enum st_log_level level, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

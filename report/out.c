/* report/out.c -- escaped text, times and durations for the HTML report
 * (see out.h). */
#include <string.h>
#include <time.h>
#include "report/out.h"
#include "util/escape.h"

void rep_out_text(FILE *f, const char *s)
{
	/* printable: at most REP_OUT_TEXT_MAX characters; html: each may
	 * become an entity of up to 6 bytes (&quot;). */
	char printable[REP_OUT_TEXT_MAX + 8];
	static char html[6 * (REP_OUT_TEXT_MAX + 8)];
	size_t n = st_escape_printable(printable, REP_OUT_TEXT_MAX + 1, s ? s : "");
	if (n > REP_OUT_TEXT_MAX)
		memcpy(printable + REP_OUT_TEXT_MAX - 5, "[...]", 6);
	st_escape_html(html, sizeof(html), printable);
	fputs(html, f);
}

static int split_time(int64_t ts_ns, struct tm *tm, int64_t *frac_ns)
{
	int64_t sec = ts_ns / 1000000000, frac = ts_ns % 1000000000;
	if (frac < 0) {
		frac += 1000000000;
		sec--;
	}
	time_t t = (time_t)sec;
	*frac_ns = frac;
	return gmtime_r(&t, tm) != NULL;
}

void rep_fmt_clock(char *dst, size_t dstlen, int64_t ts_ns, int ms)
{
	struct tm tm;
	int64_t frac;
	int n;
	if (!split_time(ts_ns, &tm, &frac))
		n = snprintf(dst, dstlen, "?");
	else if (ms)
		n = snprintf(dst, dstlen, "%02d:%02d:%02d.%03dZ", tm.tm_hour, tm.tm_min, tm.tm_sec,
			     (int)(frac / 1000000));
	else
		n = snprintf(dst, dstlen, "%02d:%02d:%02dZ", tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (n < 0 && dstlen)
		dst[0] = '\0';
}

void rep_fmt_date(char *dst, size_t dstlen, int64_t ts_ns)
{
	struct tm tm;
	int64_t frac;
	if (!dstlen)
		return;
	dst[0] = '\0';
	if (!split_time(ts_ns, &tm, &frac) || !strftime(dst, dstlen, "%Y-%m-%d %H:%M:%SZ", &tm))
		snprintf(dst, dstlen, "?");
}

void rep_fmt_dur(char *dst, size_t dstlen, int64_t ns)
{
	if (ns < 0)
		ns = 0;
	long long s = (long long)(ns / 1000000000);
	int n;
	if (s >= 86400)
		n = snprintf(dst, dstlen, "%lldd%02lldh%02lldm", s / 86400, s / 3600 % 24, s / 60 % 60);
	else if (s >= 3600)
		n = snprintf(dst, dstlen, "%lldh%02lldm%02llds", s / 3600, s / 60 % 60, s % 60);
	else if (s >= 60)
		n = snprintf(dst, dstlen, "%lldm%02llds", s / 60, s % 60);
	else if (s >= 10)
		n = snprintf(dst, dstlen, "%llds", s);
	else if (ns >= 1000000000)
		n = snprintf(dst, dstlen, "%.3fs", (double)ns / 1e9);
	else
		n = snprintf(dst, dstlen, "%lldms", (long long)(ns / 1000000));
	if (n < 0 && dstlen)
		dst[0] = '\0';
}

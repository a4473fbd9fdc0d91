/* util/printable.c -- st_escape_printable(), the escaper for text that
 * comes back out of a (possibly foreign) database; see escape.h. */
#include <stdio.h>
#include "util/escape.h"

size_t st_escape_printable(char *dst, size_t dstlen, const char *src)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)src; p && *p; p++) {
		char tmp[5];
		size_t k = 1;
		if (*p >= 0x20 && *p <= 0x7e)
			tmp[0] = (char)*p;
		else
			k = (size_t)snprintf(tmp, sizeof(tmp), "\\%03u", *p);
		for (size_t i = 0; i < k; i++, n++)
			if (n + 1 < dstlen)
				dst[n] = tmp[i];
	}
	if (dstlen)
		dst[n < dstlen ? n : dstlen - 1] = '\0';
	return n;
}

/* capture/endpoint.c -- see endpoint.h. */
#include <arpa/inet.h>
#include <string.h>
#include "capture/endpoint.h"

static char *put_u8(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

char *cap_endpoint_addr(const struct cap_endpoint *ep, char buf[CAP_ADDR_TEXT_MAX])
{
	if (ep->family == 6) {
		if (!inet_ntop(AF_INET6, ep->addr, buf, CAP_ADDR_TEXT_MAX))
			strcpy(buf, "?");
		return buf;
	}
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		p = put_u8(p, ep->addr[i]);
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

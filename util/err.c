/* util/err.c -- the string table behind st_strerror(). */
#include "util/err.h"

static const char *const st_err_text[ST_ERR_COUNT] = {
	"success",
	"out of memory",
	"limit reached",
	"truncated",
	"malformed",
	"unsupported",
	"input/output error",
	"database error",
	"not in the expected format",
	"invalid argument",
};

const char *st_strerror(int err)
{
	if (err > 0 || -err >= ST_ERR_COUNT)
		return "unknown error";
	return st_err_text[-err];
}

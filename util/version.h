/* util/version.h -- sigtrail's version, shown by --version, stored in each
 * database (meta.version) and printed in the report. */
#pragma once
#define SIGTRAIL_VERSION "0.2.0"

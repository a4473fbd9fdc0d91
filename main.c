/* main.c -- sigtrail's command line: parses arguments, runs a command,
 * prints, and maps outcomes to the documented exit codes. */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "analyze/anchor.h"
#include "analyze/live.h"
#include "analyze/run.h"
#include "report/html.h"
#include "report/summary.h"
#include "tui/tui.h"
#include "util/err.h"
#include "util/log.h"
#include "util/version.h"


/* Exit codes (README.md, --help). */
enum exit_code {
	EXIT_CLEAN = 0,     /* analysed; nothing failed validation */
	EXIT_FINDINGS = 1,  /* analysed; something failed validation */
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_INPUT = 3,     /* an input is missing, unreadable or not a capture */
	EXIT_PARTIAL = 4,   /* an input was cut off or broken mid-way: what was there was analysed */
	EXIT_OUTPUT = 5,    /* the database could not be written or read */
	EXIT_INTERNAL = 6,  /* out of memory or an internal error */
};

static const char usage_text[] =
	"usage: sigtrail analyze [-o DB] [-p PORT]... [-a FILE]... [--no-root-anchor] [-q] [-v] CAPTURE...\n"
	"       sigtrail summary DB\n"
	"       sigtrail report DB [-o FILE]\n"
	"       sigtrail tui DB [--follow]\n"
	"       sigtrail live -i IFACE [-o DB] [-a FILE]... [--alert-exec CMD]\n"
	"                     [--write-evidence FILE] [-f BPF] ...   (sigtrail live --help)\n"
	"       sigtrail --version | --help\n"
	"\n"
	"commands:\n"
	"  analyze   read pcap/pcapng captures, decode every DNS message (UDP,\n"
	"            TCP, IP fragments) and store them in an SQLite database\n"
	"  summary   print what a database holds: rcodes, EDE codes, SERVFAIL\n"
	"            names, time range, transactions, validation, anomalies\n"
	"  report    write a self-contained HTML incident report (default\n"
	"            DB.html; -o - for standard output)\n"
	"  tui       browse a database in the terminal (? for the keys);\n"
	"            --follow keeps up with a database still being written\n"
	"  live      the same analysis on a live interface, written as it goes,\n"
	"            with an alert hook and an evidence pcap\n"
	"\n"
	"analyze options:\n"
	"  -o, --output DB   database to write (default sigtrail.db; replaced)\n"
	"  -p, --port PORT   a DNS port (repeatable; default 53)\n"
	"  -a, --anchor FILE trust anchors: DS or DNSKEY records in presentation\n"
	"                    format, as unbound's trust-anchor-file (repeatable)\n"
	"  --no-root-anchor  do not trust the built-in IANA root KSKs (20326, 38696)\n"
	"  -q, --quiet       no progress and no closing summary\n"
	"  -v, --verbose     more diagnostics on stderr (-vv for debug)\n"
	"\n"
	"exit status:\n"
	"  0  analysed, nothing failed validation\n"
	"  1  analysed, something failed validation\n"
	"  2  usage error\n"
	"  3  an input is missing, unreadable or not a capture (nothing written)\n"
	"  4  an input was cut off or broken mid-way; what was there was analysed\n"
	"  5  the database could not be written (or, for summary and report,\n"
	"     read; or the report could not be written)\n"
	"  6  out of memory or internal error\n";

static int usage(FILE *out, int code)
{
	fputs(usage_text, out);
	return code;
}

static int exit_for(int rc)
{
	switch (rc) {
	case ST_OK: return EXIT_CLEAN;
	case ST_EIO: case ST_EFORMAT: return EXIT_INPUT;
	case ST_EDB: return EXIT_OUTPUT;
	default: return EXIT_INTERNAL;
	}
}

static int parse_port(const char *arg, uint16_t *port)
{
	char *end;
	long v = strtol(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int cmd_analyze(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "port", required_argument, NULL, 'p' },
		{ "anchor", required_argument, NULL, 'a' },
		{ "no-root-anchor", no_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct an_run_opts o = { .db_path = "sigtrail.db" };
	cap_config_defaults(&o.cap);
	static struct an_anchors anchors; /* large: not on the stack */
	const char *anchor_files[16];
	int nanchor_files = 0, root_anchor = 1;
	int quiet = 0, user_ports = 0, c;
	while ((c = getopt_long(argc, argv, "o:p:a:qvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (nanchor_files == 16) {
				st_log(ST_LOG_ERROR, NULL, "at most 16 anchor files");
				return EXIT_USAGE;
			}
			anchor_files[nanchor_files++] = optarg;
			break;
		case 'R': root_anchor = 0; break;
		case 'o': o.db_path = optarg; break;
		case 'q': quiet = 1; break;
		case 'v': st_log_verbosity++; break;
		case 'h': return usage(stdout, EXIT_CLEAN);
		case 'p':
			if (!user_ports)
				o.cap.nports = 0;
			user_ports = 1;
			if (o.cap.nports == CAP_MAX_PORTS || parse_port(optarg, &o.cap.ports[o.cap.nports])) {
				st_log(ST_LOG_ERROR, NULL, "bad or too many ports: %s", optarg);
				return EXIT_USAGE;
			}
			o.cap.nports++;
			break;
		default: return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind >= argc) {
		st_log(ST_LOG_ERROR, "analyze", "no capture file given");
		return usage(stderr, EXIT_USAGE);
	}
	if (root_anchor)
		an_anchors_builtin(&anchors);
	for (int i = 0; i < nanchor_files; i++) {
		char err[512];
		int rc = an_anchors_load(&anchors, anchor_files[i], err, sizeof(err));
		if (rc != ST_OK) {
			st_log(ST_LOG_ERROR, NULL, "%s", err);
			return rc == ST_EIO ? EXIT_INPUT : EXIT_USAGE;
		}
	}
	o.anchors = &anchors;
	o.captures = (const char *const *)argv + optind;
	o.ncaptures = (size_t)(argc - optind);
	o.progress = !quiet && isatty(STDERR_FILENO) ? stderr : NULL;

	struct an_run_result res;
	int rc = an_run(&o, &res);
	if (rc != ST_OK) {
		st_log(ST_LOG_ERROR, NULL, "%s", res.error);
		return exit_for(rc);
	}
	if (!quiet) {
		char err[512];
		printf("wrote %s: %llu frames, %llu DNS messages\n", o.db_path,
		       (unsigned long long)res.frames, (unsigned long long)res.messages);
		if (rep_summary_brief(o.db_path, stdout, err, sizeof(err)) != ST_OK)
			st_log(ST_LOG_WARN, NULL, "%s", err);
	}
	if (res.frames == 0)
		st_log(ST_LOG_WARN, NULL, "the captures hold no frames");
	else if (res.messages == 0)
		st_log(ST_LOG_WARN, NULL, "no DNS message found (ports: see -p)");
	if (res.bogus && !quiet)
		printf("validation   %llu signature checks failed: see `sigtrail summary %s`\n",
		       (unsigned long long)res.bogus, o.db_path);
	if (res.inputs_partial) {
		st_log(ST_LOG_WARN, NULL, "%d capture(s) cut off or broken mid-way: see `sigtrail summary %s`",
		       res.inputs_partial, o.db_path);
		return EXIT_PARTIAL;
	}
	return res.bogus ? EXIT_FINDINGS : EXIT_CLEAN;
}

static int cmd_summary(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-')
		return usage(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			     argc == 2 && !strcmp(argv[1], "--help") ? EXIT_CLEAN : EXIT_USAGE);
	char err[512];
	if (rep_summary(argv[1], stdout, err, sizeof(err)) != ST_OK) {
		st_log(ST_LOG_ERROR, NULL, "%s", err);
		return EXIT_OUTPUT;
	}
	return EXIT_CLEAN;
}

static int cmd_report(int argc, char **argv)
{
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = getopt(argc, argv, "o:h")) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': return usage(stdout, EXIT_CLEAN);
		default: return usage(stderr, EXIT_USAGE);
		}
	}
	if (optind != argc - 1)
		return usage(stderr, EXIT_USAGE);
	const char *db = argv[optind];
	char defout[4096];
	if (!out) {
		snprintf(defout, sizeof(defout), "%s.html", db);
		out = defout;
	}
	char err[512];
	int rc = rep_html_write(db, out, err, sizeof(err));
	if (rc != ST_OK) {
		st_log(ST_LOG_ERROR, NULL, "%s", err);
		return rc == ST_ENOMEM ? EXIT_INTERNAL : EXIT_OUTPUT;
	}
	if (strcmp(out, "-") != 0)
		st_log(ST_LOG_INFO, NULL, "wrote %s", out);
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	/* SQLite's memory statistics take a global mutex on every allocation,
	 * in the database writer and index threads too; sigtrail never reads
	 * them. Must come before any other SQLite call. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
		return usage(stdout, EXIT_CLEAN);
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("sigtrail %s\n", SIGTRAIL_VERSION);
		return EXIT_CLEAN;
	}
	if (!strcmp(cmd, "analyze"))
		return cmd_analyze(argc - 1, argv + 1);
	if (!strcmp(cmd, "summary"))
		return cmd_summary(argc - 1, argv + 1);
	if (!strcmp(cmd, "report"))
		return cmd_report(argc - 1, argv + 1);
	if (!strcmp(cmd, "tui"))
		return tui_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "live"))
		return an_live_main(argc - 1, argv + 1);
	st_log(ST_LOG_ERROR, NULL, "unknown command '%s'", cmd);
	return usage(stderr, EXIT_USAGE);
}

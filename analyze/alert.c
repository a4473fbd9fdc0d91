/* analyze/alert.c -- incident events and the alert hook (see alert.h). */
#define _GNU_SOURCE /* posix_spawn_file_actions_addclosefrom_np (glibc 2.34) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "analyze/alert.h"
#include "util/escape.h"

extern char **environ;

#define ALERT_JSON_MAX 4096   /* far below a pipe's buffer: the write never blocks */
#define ALERT_ENV_EXTRA 12

struct trk {
	int used, open;
	struct an_alert_incident inc;
	char prev_cause[48];     /* cause before the latest change */
	unsigned pending;        /* enum an_alert_event bits waiting */
	int64_t last_run;        /* mono; 0: never */
};

struct child {
	pid_t pid;               /* 0: free */
	int64_t started;
};

struct an_alert {
	struct an_alert_opts o;
	char *cmdbuf;
	char *argv[AN_ALERT_ARGS_MAX + 1];
	struct trk t[AN_ALERT_TRACK_MAX];
	struct child kids[AN_ALERT_CHILDREN_MAX];
	int64_t hour[AN_ALERT_PER_HOUR * 4]; /* mono times of recent runs (ring) */
	unsigned hour_next;
	struct an_alert_stats st;
};

struct an_alert *an_alert_new(const struct an_alert_opts *o, char *err, size_t errlen)
{
	struct an_alert *a = calloc(1, sizeof(*a));
	if (!a || (o->cmd && !(a->cmdbuf = strdup(o->cmd)))) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	a->o = *o;
	if (!a->o.per_incident_ns)
		a->o.per_incident_ns = AN_ALERT_PER_INCIDENT_NS;
	if (!a->o.per_hour || a->o.per_hour > AN_ALERT_PER_HOUR * 4)
		a->o.per_hour = a->o.per_hour ? AN_ALERT_PER_HOUR * 4 : AN_ALERT_PER_HOUR;
	if (!a->cmdbuf)
		return a;
	/* Words split at blanks, no quoting: what runs is exactly what the
	 * operator wrote, and no shell ever sees it. */
	int n = 0;
	for (char *save = NULL, *w = strtok_r(a->cmdbuf, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == AN_ALERT_ARGS_MAX) {
			snprintf(err, errlen, "--alert-exec: more than %d words", AN_ALERT_ARGS_MAX);
			an_alert_free(a);
			return NULL;
		}
		a->argv[n++] = w;
	}
	if (n == 0) {
		snprintf(err, errlen, "--alert-exec: empty command");
		an_alert_free(a);
		return NULL;
	}
	return a;
}

static struct trk *trk_find(struct an_alert *a, const struct an_alert_incident *inc)
{
	for (size_t i = 0; i < AN_ALERT_TRACK_MAX; i++)
		if (a->t[i].used && a->t[i].inc.start_ns == inc->start_ns &&
		    strcmp(a->t[i].inc.zone, inc->zone) == 0)
			return &a->t[i];
	return NULL;
}

/* A free slot, else the closed incident closed longest ago with nothing
 * waiting. */
static struct trk *trk_slot(struct an_alert *a)
{
	struct trk *best = NULL;
	for (size_t i = 0; i < AN_ALERT_TRACK_MAX; i++) {
		struct trk *t = &a->t[i];
		if (!t->used)
			return t;
		if (!t->open && !t->pending && (!best || t->inc.end_ns < best->inc.end_ns))
			best = t;
	}
	return best;
}

static void emit(struct an_alert *a, struct trk *t, enum an_alert_event ev)
{
	if (ev == AN_ALERT_OPEN)
		a->st.opened++;
	else if (ev == AN_ALERT_CHANGE)
		a->st.changed++;
	else
		a->st.closed++;
	if (a->o.cmd)
		t->pending |= (unsigned)ev;
	if (a->o.on_event)
		a->o.on_event(a->o.ctx, ev, &t->inc, ev == AN_ALERT_CHANGE ? t->prev_cause : NULL);
}

void an_alert_update(struct an_alert *a, const struct an_alert_incident *incs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct trk *t = trk_find(a, &incs[i]);
		if (!t) {
			if (!(t = trk_slot(a))) {
				a->st.untracked++;
				continue;
			}
			memset(t, 0, sizeof(*t));
			t->used = t->open = 1;
			t->inc = incs[i];
			emit(a, t, AN_ALERT_OPEN);
			continue;
		}
		int reopened = !t->open && incs[i].end_ns > t->inc.end_ns;
		int changed = strcmp(t->inc.cause, incs[i].cause) != 0;
		if (changed)
			memcpy(t->prev_cause, t->inc.cause, sizeof(t->prev_cause));
		t->inc = incs[i];
		if (reopened) {
			t->open = 1;
			t->pending &= ~(unsigned)AN_ALERT_CLOSE;
			emit(a, t, AN_ALERT_OPEN);
		} else if (changed) {
			emit(a, t, AN_ALERT_CHANGE);
		}
	}
}

static size_t json_str(char *dst, size_t len, const char *key, const char *val, int last)
{
	char esc[1024];
	st_escape_printable(esc, sizeof(esc), val ? val : "");
	size_t off = (size_t)snprintf(dst, len, "\"%s\":\"", key);
	for (const char *p = esc; *p && off + 8 < len; p++) {
		if (*p == '"' || *p == '\\')
			dst[off++] = '\\';
		dst[off++] = *p;
	}
	off += (size_t)snprintf(dst + off, off < len ? len - off : 0, "\"%s", last ? "}\n" : ",");
	return off < len ? off : len - 1;
}

static void iso_time(char *dst, size_t len, int64_t ns)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	gmtime_r(&s, &tm);
	size_t n = strftime(dst, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(dst + n, len - n, ".%03dZ", (int)(ns % 1000000000 / 1000000));
}

static const char *ev_name(enum an_alert_event ev)
{
	return ev == AN_ALERT_OPEN ? "open" : ev == AN_ALERT_CHANGE ? "change" : "close";
}

/* The JSON document for stdin. All values are escaped ASCII. */
static void alert_json(const struct an_alert *a, const struct trk *t, enum an_alert_event ev,
		       char *buf, size_t len)
{
	char start[40], end[40];
	iso_time(start, sizeof(start), t->inc.start_ns);
	iso_time(end, sizeof(end), t->inc.end_ns);
	size_t off = (size_t)snprintf(buf, len, "{\"incident\":%lld,\"start_ns\":%lld,\"end_ns\":%lld,",
				      (long long)t->inc.id, (long long)t->inc.start_ns,
				      (long long)t->inc.end_ns);
	const char *kv[][2] = {
		{ "event", ev_name(ev) }, { "zone", t->inc.zone }, { "root_cause", t->inc.cause },
		{ "previous_root_cause", ev == AN_ALERT_CHANGE ? t->prev_cause : "" },
		{ "reason", t->inc.reason }, { "start", start }, { "end", end },
		{ "db", a->o.db_path }, { "summary", t->inc.summary },
	};
	size_t nkv = sizeof(kv) / sizeof(kv[0]);
	for (size_t i = 0; i < nkv && off < len; i++)
		off += json_str(buf + off, len - off, kv[i][0], kv[i][1], i + 1 == nkv);
}

/* environ without SIGTRAIL_*, then ours. extra holds the strings. */
static char **alert_env(const struct an_alert *a, const struct trk *t, enum an_alert_event ev,
			char extra[ALERT_ENV_EXTRA][1100])
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + ALERT_ENV_EXTRA + 1, sizeof(*env));
	if (!env)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "SIGTRAIL_", 9) != 0)
			env[k++] = environ[i];
	char start[40], end[40], z[1024], c[200], pc[200], r[200], db[1024];
	iso_time(start, sizeof(start), t->inc.start_ns);
	iso_time(end, sizeof(end), t->inc.end_ns);
	st_escape_printable(z, sizeof(z), t->inc.zone);
	st_escape_printable(c, sizeof(c), t->inc.cause);
	st_escape_printable(pc, sizeof(pc), ev == AN_ALERT_CHANGE ? t->prev_cause : "");
	st_escape_printable(r, sizeof(r), t->inc.reason);
	st_escape_printable(db, sizeof(db), a->o.db_path ? a->o.db_path : "");
	int e = 0;
	snprintf(extra[e++], 1100, "SIGTRAIL_EVENT=%s", ev_name(ev));
	snprintf(extra[e++], 1100, "SIGTRAIL_ZONE=%s", z);
	snprintf(extra[e++], 1100, "SIGTRAIL_CAUSE=%s", c);
	snprintf(extra[e++], 1100, "SIGTRAIL_PREV_CAUSE=%s", pc);
	snprintf(extra[e++], 1100, "SIGTRAIL_REASON=%s", r);
	snprintf(extra[e++], 1100, "SIGTRAIL_START=%s", start);
	snprintf(extra[e++], 1100, "SIGTRAIL_END=%s", end);
	snprintf(extra[e++], 1100, "SIGTRAIL_START_NS=%lld", (long long)t->inc.start_ns);
	snprintf(extra[e++], 1100, "SIGTRAIL_INCIDENT=%lld", (long long)t->inc.id);
	snprintf(extra[e++], 1100, "SIGTRAIL_DB=%s", db);
	for (int i = 0; i < e; i++)
		env[k++] = extra[i];
	env[k] = NULL;
	return env;
}

static int spawn(struct an_alert *a, const struct trk *t, enum an_alert_event ev, pid_t *pid)
{
	static char extra[ALERT_ENV_EXTRA][1100];
	char json[ALERT_JSON_MAX];
	alert_json(a, t, ev, json, sizeof(json));
	char **env = alert_env(a, t, ev, extra);
	int fd[2] = { -1, -1 };
	if (!env || pipe2(fd, O_CLOEXEC) != 0) {
		free(env);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[0], 0);
	/* The child gets stdin, stdout, stderr and nothing else: not the
	 * capture socket, not the database. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	int rc = posix_spawnp(pid, a->argv[0], &fa, NULL, a->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	close(fd[0]);
	if (rc == 0) {
		ssize_t w = write(fd[1], json, strlen(json)); /* EPIPE if it ignores stdin: fine */
		(void)w;
	}
	close(fd[1]);
	return rc == 0 ? 0 : -1;
}

static void reap(struct an_alert *a, int64_t mono_ns)
{
	for (size_t i = 0; i < AN_ALERT_CHILDREN_MAX; i++) {
		struct child *k = &a->kids[i];
		if (!k->pid)
			continue;
		int status;
		pid_t r = waitpid(k->pid, &status, WNOHANG);
		if (r == 0 && mono_ns - k->started > AN_ALERT_CHILD_TIMEOUT_NS) {
			kill(k->pid, SIGKILL);
			r = waitpid(k->pid, &status, 0);
		}
		if (r == 0)
			continue;
		if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			a->st.run_failures++;
		k->pid = 0;
	}
}

static struct child *free_child(struct an_alert *a)
{
	for (size_t i = 0; i < AN_ALERT_CHILDREN_MAX; i++)
		if (!a->kids[i].pid)
			return &a->kids[i];
	return NULL;
}

/* May one more run start now under the hourly limit? */
static int hour_allows(const struct an_alert *a, int64_t mono_ns)
{
	unsigned cap = a->o.per_hour;
	const int64_t *oldest = &a->hour[(a->hour_next + AN_ALERT_PER_HOUR * 4 - cap) % (AN_ALERT_PER_HOUR * 4)];
	return *oldest == 0 || mono_ns - *oldest >= 3600LL * 1000000000LL;
}

static void run_pending(struct an_alert *a, struct trk *t, int64_t mono_ns)
{
	static const enum an_alert_event order[] = { AN_ALERT_OPEN, AN_ALERT_CHANGE, AN_ALERT_CLOSE };
	if (t->last_run && mono_ns - t->last_run < a->o.per_incident_ns) {
		a->st.delayed++;
		return;
	}
	struct child *k = free_child(a);
	if (!k || !hour_allows(a, mono_ns)) {
		a->st.delayed++;
		return;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!(t->pending & (unsigned)order[i]))
			continue;
		t->pending &= ~(unsigned)order[i];
		t->last_run = mono_ns;
		a->hour[a->hour_next++ % (AN_ALERT_PER_HOUR * 4)] = mono_ns;
		a->st.runs++;
		if (spawn(a, t, order[i], &k->pid) != 0) {
			a->st.run_failures++;
			k->pid = 0;
		} else {
			k->started = mono_ns;
		}
		return;
	}
}

void an_alert_tick(struct an_alert *a, int64_t now_ns, int64_t mono_ns)
{
	for (size_t i = 0; i < AN_ALERT_TRACK_MAX; i++) {
		struct trk *t = &a->t[i];
		if (t->used && t->open && now_ns - t->inc.end_ns > a->o.gap_ns) {
			t->open = 0;
			emit(a, t, AN_ALERT_CLOSE);
		}
	}
	if (!a->o.cmd)
		return;
	reap(a, mono_ns);
	for (size_t i = 0; i < AN_ALERT_TRACK_MAX; i++)
		if (a->t[i].used && a->t[i].pending)
			run_pending(a, &a->t[i], mono_ns);
}

unsigned an_alert_running(const struct an_alert *a)
{
	unsigned n = 0;
	for (size_t i = 0; i < AN_ALERT_CHILDREN_MAX; i++)
		n += a->kids[i].pid != 0;
	return n;
}

const struct an_alert_stats *an_alert_stats(const struct an_alert *a)
{
	return &a->st;
}

void an_alert_free(struct an_alert *a)
{
	if (!a)
		return;
	free(a->cmdbuf);
	free(a);
}

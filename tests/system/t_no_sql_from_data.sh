#!/usr/bin/env bash
# THREATS.md G13: no SQL is composed from data. Every SQL statement is a
# constant; packet text reaches SQLite only through sqlite3_bind_*. This
# fails if a sqlite3_mprintf/vmprintf appears, or if sqlite3_exec or
# sqlite3_prepare* is called with anything but a string literal or one of
# the allowed constant arrays.
cd "$(dirname "$0")/../.."
bad=$(grep -nE 'sqlite3_v?mprintf|sqlite3_snprintf' --include='*.c' -r util capture decode analyze report tui main.c 2>/dev/null)
calls=$(grep -nE 'sqlite3_(exec|prepare(_v2|_v3)?)\(' --include='*.c' -r util capture decode analyze report tui main.c 2>/dev/null |
	grep -vE 'sqlite3_(exec|prepare(_v2|_v3)?)\([a-z>-]+, *("|sql[,)]|stmt_sql\[|pragmas|schema_sql|index_sql)')
# db_exec(db, sql) wrappers take constants only: check their call sites.
wrapped=$(grep -nE '\bdb_exec\(' analyze/db.c | grep -vE 'db_exec\(db, *("|pragmas|schema_sql|index_sql)|static int db_exec')
if [[ -n "$bad$calls$wrapped" ]]; then
	echo "SQL built at run time or from a non-constant:"; echo "$bad"; echo "$calls"; echo "$wrapped"; exit 1
fi
# pragmas is the one formatted statement: it may only format the schema version.
grep -q 'PRAGMA user_version=%d;", AN_DB_SCHEMA_VERSION' analyze/db.c || { echo "pragmas changed: review"; exit 1; }
echo "ok: all SQL is constant"

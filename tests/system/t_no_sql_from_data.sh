#!/usr/bin/env bash
# THREATS.md G13: no SQL is composed from data. Every SQL statement is a
# constant; packet text reaches SQLite only through sqlite3_bind_*. Fails
# if sqlite3_mprintf/vmprintf/snprintf appears, or if the SQL argument of
# sqlite3_exec / sqlite3_prepare* / db_exec is anything but a string
# literal (possibly split over lines) or one of the named constant arrays.
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 - <<'PY'
import glob, re, sys
allowed = {"sql", "pragmas", "schema_sql", "index_sql",    # constants defined in the same file
           "endpoints_sql", "shadow_sql", "publish_sql", "drop_shadow_sql"}
bad = []
files = [f for d in ("util", "capture", "decode", "analyze", "report", "tui") for f in glob.glob(d + "/*.c")] + ["main.c"]
for f in files:
    src = open(f).read()
    for m in re.finditer(r"sqlite3_v?mprintf|sqlite3_snprintf", src):
        bad.append(f"{f}: {m.group(0)}")
    for m in re.finditer(r"\b(sqlite3_exec|sqlite3_prepare(?:_v2|_v3)?|db_exec)\s*\(\s*[^,]+,\s*", src):
        rest = src[m.end():]
        line = src.count("\n", 0, m.start()) + 1
        if rest.startswith('"'):
            continue
        ident = re.match(r"[A-Za-z_][A-Za-z0-9_]*(\[[A-Za-z_0-9]+\])?", rest)
        name = ident.group(0) if ident else rest[:20]
        if name in allowed or name.startswith("stmt_sql["):
            continue
        if m.group(1) == "db_exec" and src[max(0, m.start() - 11):m.start()] == "static int ":
            continue
        bad.append(f"{f}:{line}: {m.group(1)} with non-literal SQL '{name}'")
if "PRAGMA user_version=%d;\", AN_DB_SCHEMA_VERSION" not in open("analyze/db.c").read():
    bad.append("analyze/db.c: the formatted pragmas statement changed: review it")
# "sql" is allowed only as a parameter of small helpers that are themselves
# called with literals: check every call of such helpers.
for f in files:
    src = open(f).read()
    for h in re.findall(r"static [a-z ]+\*?(\w+)\([^)]*const char \*sql\b", src):
        for m in re.finditer(r"\b" + h + r"\s*\(\s*[^,()]+,\s*", src):
            rest = src[m.end():]
            if not rest.startswith('"') and not re.match(r"(pragmas|schema_sql|index_sql)\b", rest) \
               and not src[max(0, m.start() - 30):m.start()].rstrip().endswith(("int", "long", "*")):
                line = src.count("\n", 0, m.start()) + 1
                bad.append(f"{f}:{line}: {h}() called with non-literal SQL")
if bad:
    print("SQL built at run time or from a non-constant:")
    print("\n".join(bad))
    sys.exit(1)
print(f"ok: all SQL in {len(files)} files is constant")
PY

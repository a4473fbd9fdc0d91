/* tui/tui.h -- `sigtrail tui DB [--follow]`: the ncurses browser over an
 * analysis database (docs/tui.md).
 *
 * The only entry point of tui/. main.c dispatches "tui" here; nothing else
 * in sigtrail includes curses.h. The database is opened read-only through
 * an_db_open_read() and every byte read from it is escaped before it
 * reaches the terminal. */
#pragma once

/* argv[0] is "tui". Options: DB (required), --follow / -f, --help / -h.
 * Returns sigtrail's exit codes: 0 ok, 2 usage (also: stdin/stdout not a
 * terminal), 5 database unreadable. */
int tui_main(int argc, char **argv);

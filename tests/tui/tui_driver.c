/* tests/tui/tui_driver.c -- runs tui_main() without main.c, for the tmux
 * tests while `sigtrail tui` is not dispatched yet: tui_driver DB [--follow]
 * behaves as `sigtrail tui DB [--follow]`. Built by tests/tui/build.sh. */
#include "tui/tui.h"

int main(int argc, char **argv)
{
	argv[0] = "tui";
	return tui_main(argc, argv);
}

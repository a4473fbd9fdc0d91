/* main.c -- placeholder until the command line lands. */
#include <stdio.h>
int main(void)
{
	fputs("usage: sigtrail analyze|summary ...\n", stderr);
	return 2;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `pinstress list`: every workload, backing and fault with its availability
 * here.  `--markdown` prints the tables README.md holds (nothing about this
 * machine in them), so the README is generated from the tables and a test
 * checks it still is.
 */
#include <stdio.h>
#include <string.h>

#include "backings/backing.h"
#include "faults/fault.h"
#include "run.h"
#include "workload.h"

static void list_one(const char *kind, const char *name, const char *desc, const char *no)
{
	printf("%-9s %-16s %-12s %s\n", kind, name, no ? "unavailable" : "available",
	       no ? no : desc);
}

static void list_here(void)
{
	printf("%-9s %-16s %-12s %s\n", "kind", "name", "here", "what / why not");
	for (int i = 0; workload_table[i]; i++) {
		const struct workload_ops *w = workload_table[i];

		list_one("workload", w->name, w->desc, w->probe ? w->probe() : NULL);
	}
	for (int i = 0; backing_table[i]; i++) {
		const struct backing_ops *b = backing_table[i];

		list_one("backing", b->name, b->desc, b->probe ? b->probe() : NULL);
	}
	for (int i = 0; fault_table[i]; i++) {
		const struct fault_ops *f = fault_table[i];

		list_one("fault", f->name, f->desc, f->probe ? f->probe() : NULL);
	}
}

/* @s in a table cell: a '|' would end the cell. */
static void md_text(const char *s)
{
	for (; *s; s++)
		printf("%s%c", *s == '|' ? "\\" : "", *s);
}

/* "a,b" as "`a`, `b`"; "-" when empty. */
static void md_names(const char *list)
{
	const char *p = list;

	if (!p || !*p) {
		fputs("-", stdout);
		return;
	}
	while (*p) {
		size_t n = strcspn(p, ",");

		printf("%s`%.*s`", p == list ? "" : ", ", (int)n, p);
		p += n + (p[n] == ',');
	}
}

static void md_caps(unsigned int caps)
{
	if (!caps)
		fputs("-", stdout);
	for (unsigned int c = caps; c; c &= c - 1)
		printf("%s%s", c == caps ? "" : ", ", caps_name(c & -c));
}

static void list_markdown(void)
{
	puts("| workload | what it does | proof |\n| --- | --- | --- |");
	for (int i = 0; workload_table[i]; i++) {
		const struct workload_ops *w = workload_table[i];

		printf("| `%s` | ", w->name);
		md_text(w->desc);
		fputs(" | ", stdout);
		md_names(w->proof);
		puts(" |");
	}
	puts("\n| backing | memory | proof |\n| --- | --- | --- |");
	for (int i = 0; backing_table[i]; i++) {
		const struct backing_ops *b = backing_table[i];

		printf("| `%s` | ", b->name);
		md_text(b->desc);
		fputs(" | ", stdout);
		md_names(b->proof);
		puts(" |");
	}
	puts("\n| fault | what it does | needs | proof |\n| --- | --- | --- | --- |");
	for (int i = 0; fault_table[i]; i++) {
		const struct fault_ops *f = fault_table[i];

		printf("| `%s` | ", f->name);
		md_text(f->desc);
		fputs(" | ", stdout);
		md_caps(f->needs);
		fputs(" | ", stdout);
		md_names(f->proof);
		puts(" |");
	}
}

int cmd_list(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--markdown")) {
		list_markdown();
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "pinstress list: unknown option '%s' (only --markdown)\n", argv[1]);
		return EXIT_INVALID;
	}
	list_here();
	return 0;
}

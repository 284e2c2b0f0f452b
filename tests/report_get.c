// SPDX-License-Identifier: GPL-2.0
/*
 * report_get FILE PATH: print one value of a JSON report, PATH in dotted
 * form with array indices (jobs.0.evidence.pages_swapped_out).  Integration
 * tests assert on the report through it, so they check what users read.
 * Exit 2 if the file is not valid JSON, 1 if the path does not exist.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_object *o;
	char *path, *tok, *save = NULL;

	if (argc != 3) {
		fprintf(stderr, "usage: report_get FILE PATH\n");
		return 2;
	}
	o = json_object_from_file(argv[1]);
	if (!o) {
		fprintf(stderr, "report_get: %s: not valid JSON\n", argv[1]);
		return 2;
	}
	path = strdup(argv[2]);
	for (tok = strtok_r(path, ".", &save); tok && o; tok = strtok_r(NULL, ".", &save)) {
		char *end;
		long idx = strtol(tok, &end, 10);

		if (*end == 0 && json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)idx);
		else if (json_object_is_type(o, json_type_object))
			o = json_object_object_get(o, tok);
		else
			o = NULL;
	}
	if (!o && !tok) {
		printf("null\n");
		return 0;
	}
	if (!o)
		return 1;
	if (json_object_is_type(o, json_type_string))
		printf("%s\n", json_object_get_string(o));
	else
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	return 0;
}

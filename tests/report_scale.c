// SPDX-License-Identifier: GPL-2.0
/*
 * report_scale IN OUT METRIC FACTOR: a copy of a bench report with one
 * metric's samples (and median) multiplied by FACTOR: the planted shift
 * that `pinstress compare` must call better or worse.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_object *o, *ms, *m, *n, *s, *med;
	double f;
	int hit = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: report_scale IN OUT METRIC FACTOR\n");
		return 2;
	}
	f = strtod(argv[4], NULL);
	o = json_object_from_file(argv[1]);
	if (!o || !json_object_object_get_ex(o, "metrics", &ms))
		return 2;
	for (size_t i = 0; i < json_object_array_length(ms); i++) {
		m = json_object_array_get_idx(ms, i);
		if (!json_object_object_get_ex(m, "name", &n) ||
		    strcmp(json_object_get_string(n), argv[3]) ||
		    !json_object_object_get_ex(m, "samples", &s))
			continue;
		for (size_t k = 0; k < json_object_array_length(s); k++)
			json_object_array_put_idx(s, k, json_object_new_double(
				json_object_get_double(json_object_array_get_idx(s, k)) * f));
		if (json_object_object_get_ex(m, "median", &med))
			json_object_object_add(m, "median",
					       json_object_new_double(json_object_get_double(med) * f));
		hit = 1;
	}
	if (!hit || json_object_to_file_ext(argv[2], o, JSON_C_TO_STRING_PRETTY))
		return 1;
	json_object_put(o);
	return 0;
}

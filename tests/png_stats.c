// SPDX-License-Identifier: GPL-2.0
/*
 * png_stats FILE.png: "WIDTH HEIGHT COLOURS INKED_PERMILLE" of a screenshot,
 * for the report test to tell a drawn page from a blank one: how many
 * distinct colours it has and how much of it is not near-white.  Exit 2 if
 * it is not a PNG libpng can read.
 */
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RGB_COLOURS	(1u << 24)

int main(int argc, char **argv)
{
	png_image img;
	unsigned char *px;
	unsigned char *seen;	/* a bit per RGB colour */
	size_t ncolours = 0, inked = 0, n;

	if (argc != 2) {
		fprintf(stderr, "usage: png_stats FILE.png\n");
		return 2;
	}
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, argv[1])) {
		fprintf(stderr, "png_stats: %s: %s\n", argv[1], img.message);
		return 2;
	}
	img.format = PNG_FORMAT_RGB;
	n = (size_t)img.width * img.height;
	px = malloc(PNG_IMAGE_SIZE(img));
	seen = calloc(RGB_COLOURS / 8, 1);
	if (!px || !seen || !png_image_finish_read(&img, NULL, px, 0, NULL)) {
		fprintf(stderr, "png_stats: %s: %s\n", argv[1], img.message);
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = px + 3 * i;
		uint32_t c = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];

		if (p[0] < 240 || p[1] < 240 || p[2] < 240)
			inked++;
		if (!(seen[c / 8] & (1u << (c % 8)))) {
			seen[c / 8] |= (unsigned char)(1u << (c % 8));
			ncolours++;
		}
	}
	printf("%u %u %zu %zu\n", img.width, img.height, ncolours, n ? inked * 1000 / n : 0);
	free(px);
	free(seen);
	return 0;
}

#ifndef GOURMETGRAM_CENTRE_CROP_H
#define GOURMETGRAM_CENTRE_CROP_H

/*
 * Writes the `size`² RGB crop at (left, top) of `rgb` (width × height × 3) resized to resized_width ×
 * resized_height, into `out`. 1: done; 0: a resize this does not transcribe (the caller uses libvips); -1: out
 * of memory.
 */
int centre_crop_rgb(const unsigned char *rgb, int width, int height, int resized_width, int resized_height,
                    int left, int top, int size, unsigned char *out);

#endif

/*
 * The centre crop of decoded RGB pixels, resized as libvips 8.18 does it for sharp 0.35's `resize(w, h,
 * { fit: 'fill' })` then `extract`: a C transcription of src/vision/resample.ts (reduceAxis, resizeLikeSharp),
 * which follows libvips' fixed-point Lanczos-3 reduce (vertical pass, then horizontal, 8-bit rounding between
 * them). Only the rows and columns the crop needs are computed; each value is the one the full resize gives.
 * Enlarging (bicubic) and box pre-shrinks are not transcribed: those photos answer 0 and keep libvips.
 */
#include "centre-crop.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { subpixel_steps = 64, fixed_shift = 12, fixed_one = 1 << fixed_shift, max_points = 64, reduce_gap = 2 };

static double sinc(double x) {
  if (x == 0) return 1;
  double px = x * M_PI;
  return sin(px) / px;
}

static double lanczos3(double x) { return x >= -3 && x <= 3 ? sinc(x) * sinc(x / 3) : 0; }

static double round_half_away(double value) { return value < 0 ? -floor(-value + 0.5) : floor(value + 0.5); }

/* One axis's plan: for each output position, its first source index (may be < 0) and its mask. */
typedef struct {
  int points;
  int out_length;
  short masks[subpixel_steps + 1][max_points];
  int *starts;
  int *mask_index;
} axis_plan;

/* 1: reduce planned; 0: this axis is not reduced by a Lanczos-3 residual alone (identity, enlarge, box). */
static int plan_reduce(int length, double shrink, int out_length, axis_plan *plan) {
  if (shrink <= 1) return 0;
  if (round_half_away(length / shrink) != out_length) return 0;
  double extra = out_length * shrink - length;
  int whole = (int)floor((double)length / out_length / reduce_gap);
  if (whole > 1) return 0;
  int points = 2 * (int)round_half_away(3 * shrink) + 1;
  if (points > max_points) return 0;
  plan->points = points;
  plan->out_length = out_length;
  for (int step = 0; step <= subpixel_steps; step++) {
    double x = (double)step / subpixel_steps;
    double half = x + points / 2.0 - 1;
    double weights[max_points];
    double sum = 0;
    for (int i = 0; i < points; i++) {
      weights[i] = lanczos3((i - half) / shrink);
      sum += weights[i];
    }
    for (int i = 0; i < points; i++) plan->masks[step][i] = (short)trunc(weights[i] / sum * fixed_one);
  }
  double offset = (1 + extra) / 2 - 1;
  int pad = (int)ceil(points / 2.0) - 1;
  for (int o = 0; o < out_length; o++) {
    double position = (o + 0.5) * shrink - 0.5 - offset;
    int integer = (int)trunc(position);
    int fine = (int)trunc(position * subpixel_steps * 2) & (subpixel_steps * 2 - 1);
    plan->starts[o] = integer - pad;
    plan->mask_index[o] = (fine + 1) >> 1;
  }
  return 1;
}

static int clamp_index(int at, int length) { return at < 0 ? 0 : at >= length ? length - 1 : at; }

static unsigned char to_byte(int sum) {
  int value = (sum + (fixed_one >> 1)) >> fixed_shift;
  return (unsigned char)(value < 0 ? 0 : value > 255 ? 255 : value);
}

int centre_crop_rgb(const unsigned char *rgb, int width, int height, int resized_width, int resized_height,
                    int left, int top, int size, unsigned char *out) {
  /* sharp's scale factors, as resizeLikeSharp computes them. */
  double hscale = fmax((double)resized_width / width, 1.0 / width);
  double vscale = fmax((double)resized_height / height, 1.0 / height);
  if (hscale >= 1 || vscale >= 1) return 0;
  if (left < 0 || top < 0 || left + size > resized_width || top + size > resized_height) return 0;
  int result = -1;
  axis_plan *x_plan = calloc(1, sizeof(axis_plan));
  axis_plan *y_plan = calloc(1, sizeof(axis_plan));
  int *ints = malloc(sizeof(int) * 2 * (resized_width + resized_height));
  int *sums = NULL;
  int *taps = NULL;
  unsigned char *rows = NULL;
  if (!x_plan || !y_plan || !ints) goto done;
  x_plan->starts = ints;
  x_plan->mask_index = ints + resized_width;
  y_plan->starts = ints + 2 * resized_width;
  y_plan->mask_index = ints + 2 * resized_width + resized_height;
  if (!plan_reduce(height, 1 / vscale, resized_height, y_plan) ||
      !plan_reduce(width, 1 / hscale, resized_width, x_plan)) {
    result = 0;
    goto done;
  }
  /* Source columns the crop's horizontal taps read, edges repeated. */
  int first_column = width, last_column = 0;
  for (int o = left; o < left + size; o++) {
    for (int i = 0; i < x_plan->points; i++) {
      int at = clamp_index(x_plan->starts[o] + i, width);
      if (at < first_column) first_column = at;
      if (at > last_column) last_column = at;
    }
  }
  int span = (last_column - first_column + 1) * 3;
  rows = malloc((size_t)size * span);
  sums = malloc(sizeof(int) * span);
  if (!rows || !sums) goto done;
  /* Vertical pass over the crop's rows and the columns it needs: one contiguous run per tap. */
  for (int y = 0; y < size; y++) {
    int o = top + y;
    const short *mask = y_plan->masks[y_plan->mask_index[o]];
    memset(sums, 0, sizeof(int) * span);
    for (int i = 0; i < y_plan->points; i++) {
      const unsigned char *line = rgb + ((size_t)clamp_index(y_plan->starts[o] + i, height) * width + first_column) * 3;
      int weight = mask[i];
      for (int j = 0; j < span; j++) sums[j] += line[j] * weight;
    }
    unsigned char *row = rows + (size_t)y * span;
    for (int j = 0; j < span; j++) row[j] = to_byte(sums[j]);
  }
  /* Horizontal pass, the crop's columns only; each column's taps (offsets into a row) are the same on every row. */
  int points = x_plan->points;
  taps = malloc(sizeof(int) * size * points);
  if (!taps) goto done;
  for (int x = 0; x < size; x++)
    for (int i = 0; i < points; i++)
      taps[x * points + i] = (clamp_index(x_plan->starts[left + x] + i, width) - first_column) * 3;
  for (int y = 0; y < size; y++) {
    const unsigned char *row = rows + (size_t)y * span;
    unsigned char *target = out + (size_t)y * size * 3;
    for (int x = 0; x < size; x++) {
      const short *mask = x_plan->masks[x_plan->mask_index[left + x]];
      const int *tap = taps + x * points;
      int r = 0, g = 0, b = 0;
      for (int i = 0; i < points; i++) {
        const unsigned char *pixel = row + tap[i];
        r += pixel[0] * mask[i];
        g += pixel[1] * mask[i];
        b += pixel[2] * mask[i];
      }
      target[x * 3] = to_byte(r);
      target[x * 3 + 1] = to_byte(g);
      target[x * 3 + 2] = to_byte(b);
    }
  }
  result = 1;
done:
  free(taps);
  free(rows);
  free(sums);
  free(ints);
  free(x_plan);
  free(y_plan);
  return result;
}

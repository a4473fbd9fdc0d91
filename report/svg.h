/* report/svg.h -- the report's charts: small inline SVG drawn by sigtrail.
 *
 * A chart is a time axis cut into nb equal buckets (bucket b covers
 * [t0 + b*bucket_ns, t0 + (b+1)*bucket_ns)) and a value axis from 0 to a
 * rounded maximum (or 0-100 % when percent is set). Shaded windows go
 * first, then stacked bars or lines, then phase markers. Output is
 * deterministic: coordinates with one decimal, no random ids. Every
 * label passes through rep_out_text(), so callers may hand in text read
 * from the database. Each bar segment and line point carries a <title>,
 * the browser's own tooltip: hovering needs no script.
 *
 * The caller owns the struct and the stream; there is nothing to free. */
#pragma once
#include <stdint.h>
#include <stdio.h>

#define REP_SVG_WIDTH 960
#define REP_SVG_HEIGHT 230

struct rep_svg {
	FILE *f;
	int nb;            /* buckets */
	int64_t t0, bucket_ns;
	double ymax;       /* value at the top of the plot */
	int percent;       /* values are fractions 0..1, shown as % */
	double x0, y0, pw, ph; /* plot area */
};

/* Opens <svg> with id (a constant chosen by the caller), an accessible
 * title, the grid, the value axis and the time axis. ymax: the largest
 * value to be drawn (rounded up here); ignored when percent is set. */
void rep_svg_open(struct rep_svg *g, FILE *f, const char *id, const char *title,
		  int nb, int64_t t0, int64_t bucket_ns, double ymax, int percent);
/* A shaded window over buckets b0..b1 (inclusive) with a tooltip. */
void rep_svg_shade(struct rep_svg *g, int b0, int b1, const char *label);
/* One stacked bar at bucket b: v[0..n-1] bottom up; colors and names
 * per series; a zero value draws nothing. */
void rep_svg_stack(struct rep_svg *g, int b, int n, const double *v,
		   const char *const *colors, const char *const *names);
/* A line through the buckets where have[b] is set, broken at gaps. */
void rep_svg_line(struct rep_svg *g, const double *v, const unsigned char *have,
		  const char *color, const char *name, int dashed);
/* A vertical marker at time ts with a short label on top. */
void rep_svg_mark(struct rep_svg *g, int64_t ts_ns, const char *label, const char *color);
void rep_svg_close(struct rep_svg *g);

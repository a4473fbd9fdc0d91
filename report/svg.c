/* report/svg.c -- inline SVG charts for the report (see svg.h). */
#include <math.h>
#include "report/out.h"
#include "report/svg.h"

#define ML 52.0  /* margins: left (value labels), right, top, bottom (time labels) */
#define MR 12.0
#define MT 18.0
#define MB 26.0

/* 1, 2 or 5 times a power of ten, at least v. */
static double nice_ceil(double v)
{
	if (!(v > 0))
		return 1;
	double p = pow(10, floor(log10(v)));
	for (int i = 0; i < 3; i++) {
		static const double m[3] = { 1, 2, 5 };
		if (m[i] * p >= v)
			return m[i] * p;
	}
	return 10 * p;
}

static double bx(const struct rep_svg *g, double b)
{
	return g->x0 + g->pw * b / g->nb;
}

static double vy(const struct rep_svg *g, double v)
{
	if (v > g->ymax)
		v = g->ymax;
	if (!(v > 0))
		v = 0;
	return g->y0 + g->ph - g->ph * v / g->ymax;
}

static void value_label(const struct rep_svg *g, char *buf, size_t len, double v)
{
	if (g->percent)
		snprintf(buf, len, "%.0f%%", v * 100);
	else if (v == floor(v))
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.2g", v);
}

static void value_axis(struct rep_svg *g)
{
	for (int i = 0; i <= 4; i++) {
		double v = g->ymax * i / 4, y = vy(g, v);
		char lab[32];
		value_label(g, lab, sizeof(lab), v);
		fprintf(g->f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"yl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			g->x0, y, g->x0 + g->pw, y, g->x0 - 4, y + 4, lab);
	}
}

/* Ticks every k buckets, k chosen so that at most 8 labels fit. */
static void time_axis(struct rep_svg *g)
{
	int k = 1;
	while (g->nb / k > 8)
		k++;
	int ms = g->bucket_ns * k < 1000000000;
	double yb = g->y0 + g->ph;
	fprintf(g->f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
		g->x0, yb, g->x0 + g->pw, yb);
	for (int b = 0; b <= g->nb; b += k) {
		char lab[32];
		rep_fmt_clock(lab, sizeof(lab), g->t0 + (int64_t)b * g->bucket_ns, ms);
		fprintf(g->f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"xl\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			bx(g, b), yb, bx(g, b), yb + 4, bx(g, b), yb + 16, lab);
	}
}

void rep_svg_open(struct rep_svg *g, FILE *f, const char *id, const char *title,
		  int nb, int64_t t0, int64_t bucket_ns, double ymax, int percent)
{
	g->f = f;
	g->nb = nb > 0 ? nb : 1;
	g->t0 = t0;
	g->bucket_ns = bucket_ns > 0 ? bucket_ns : 1;
	g->percent = percent;
	/* four grid steps of a nice size; counts step by whole numbers */
	double step = nice_ceil(ymax / 4);
	g->ymax = percent ? 1.0 : 4 * (step < 1 ? 1 : step);
	g->x0 = ML;
	g->y0 = MT;
	g->pw = REP_SVG_WIDTH - ML - MR;
	g->ph = REP_SVG_HEIGHT - MT - MB;
	fprintf(f, "<svg class=\"chart\" id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\""
		" xmlns=\"http://www.w3.org/2000/svg\"><title>", id, REP_SVG_WIDTH, REP_SVG_HEIGHT);
	rep_out_text(f, title);
	fputs("</title>\n", f);
	value_axis(g);
	time_axis(g);
}

/* "11:48:00Z-11:48:05Z" for the tooltip of bucket b. */
static void bucket_span(const struct rep_svg *g, int b, char *buf, size_t len)
{
	char a[32], z[32];
	int ms = g->bucket_ns < 1000000000;
	rep_fmt_clock(a, sizeof(a), g->t0 + (int64_t)b * g->bucket_ns, ms);
	rep_fmt_clock(z, sizeof(z), g->t0 + (int64_t)(b + 1) * g->bucket_ns, ms);
	snprintf(buf, len, "%s-%s", a, z);
}

void rep_svg_shade(struct rep_svg *g, int b0, int b1, const char *label)
{
	if (b0 < 0)
		b0 = 0;
	if (b1 >= g->nb)
		b1 = g->nb - 1;
	if (b1 < b0)
		return;
	fprintf(g->f, "<rect class=\"win\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
		bx(g, b0), g->y0, bx(g, b1 + 1) - bx(g, b0), g->ph);
	rep_out_text(g->f, label);
	fputs("</title></rect>\n", g->f);
}

void rep_svg_stack(struct rep_svg *g, int b, int n, const double *v,
		   const char *const *colors, const char *const *names)
{
	if (b < 0 || b >= g->nb)
		return;
	double w = g->pw / g->nb, x = bx(g, b) + (w > 3 ? w * 0.1 : 0), base = 0;
	char span[64];
	bucket_span(g, b, span, sizeof(span));
	for (int i = 0; i < n; i++) {
		if (!(v[i] > 0))
			continue;
		double ytop = vy(g, base + v[i]), ybot = vy(g, base);
		char lab[32];
		value_label(g, lab, sizeof(lab), v[i]);
		fprintf(g->f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s ",
			x, ytop, w > 3 ? w * 0.8 : w, ybot - ytop, colors[i], span);
		rep_out_text(g->f, names[i]);
		fprintf(g->f, ": %s</title></rect>\n", lab);
		base += v[i];
	}
}

void rep_svg_line(struct rep_svg *g, const double *v, const unsigned char *have,
		  const char *color, const char *name, int dashed)
{
	int open = 0;
	for (int b = 0; b < g->nb; b++) {
		if (!have[b]) {
			if (open)
				fputs("\"/>\n", g->f);
			open = 0;
			continue;
		}
		if (!open)
			fprintf(g->f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"",
				color, dashed ? " stroke-dasharray=\"5 3\"" : "");
		fprintf(g->f, "%s%.1f,%.1f", open ? " " : "", bx(g, b + 0.5), vy(g, v[b]));
		open = 1;
	}
	if (open)
		fputs("\"/>\n", g->f);
	for (int b = 0; b < g->nb; b++) {
		if (!have[b])
			continue;
		char span[64], lab[32];
		bucket_span(g, b, span, sizeof(span));
		value_label(g, lab, sizeof(lab), v[b]);
		fprintf(g->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s ",
			bx(g, b + 0.5), vy(g, v[b]), color, span);
		rep_out_text(g->f, name);
		fprintf(g->f, ": %s</title></circle>\n", lab);
	}
}

void rep_svg_mark(struct rep_svg *g, int64_t ts_ns, const char *label, const char *color)
{
	double pos = (double)(ts_ns - g->t0) / (double)g->bucket_ns;
	if (!(pos >= 0) || pos > g->nb)
		return;
	double x = bx(g, pos);
	fprintf(g->f, "<line class=\"mark\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\">"
		"<title>", x, g->y0, x, g->y0 + g->ph, color);
	rep_out_text(g->f, label);
	fputs("</title></line>\n", g->f);
}

void rep_svg_close(struct rep_svg *g)
{
	fputs("</svg>\n", g->f);
}

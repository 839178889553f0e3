/* The console's colours: its foreground, background and 16-colour palette (ANSI colours 0-7
 * and their bright forms 8-15), kept here so the terminal and the test that checks them read
 * the same values (VteTerminal has no getter for its palette).
 *
 * The rule: every colour a program may write text in is readable on the background, a WCAG
 * 2.x contrast ratio of at least 4.5:1, bright black (8, for dim text) included. Black (0) is
 * the one exception: it is meant for text on a light background (7 or 15) and as a
 * background itself, so it is checked against white (7) and bright white (15) instead. */
#pragma once

#include <vte/vte.h>

#define VIREO_CONSOLE_PALETTE_SIZE 16
#define VIREO_CONSOLE_MIN_CONTRAST 4.5

/* "#rrggbb" strings. */
extern const char *const vireo_console_foreground;
extern const char *const vireo_console_background;
extern const char *const vireo_console_palette[VIREO_CONSOLE_PALETTE_SIZE];

/* WCAG 2.x: relative luminance of a colour, and the contrast ratio of two (1 to 21). */
double vireo_relative_luminance(const GdkRGBA *color);
double vireo_contrast_ratio(const GdkRGBA *a, const GdkRGBA *b);

/* Gives term the console's foreground, background and palette. */
void vireo_console_set_colors(VteTerminal *term);

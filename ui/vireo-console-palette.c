/* The console's colours (see vireo-console-palette.h for the rule they follow). */
#include <math.h>

#include "vireo-console-palette.h"

const char *const vireo_console_foreground = "#deddda";
const char *const vireo_console_background = "#1e1e1e";

/* Contrast on #1e1e1e in the comments (tests/ui/test-ui-console.c checks them). */
const char *const vireo_console_palette[VIREO_CONSOLE_PALETTE_SIZE] = {
    "#241f31", /*  0 black: 8.7 on white (7) */
    "#f66151", /*  1 red: 5.4 */
    "#33d17a", /*  2 green: 8.4 */
    "#e9ad0c", /*  3 yellow: 8.3 */
    "#62a0ea", /*  4 blue: 6.1 (directories in `ls`) */
    "#cd72d6", /*  5 magenta: 5.3 */
    "#2ec2d6", /*  6 cyan: 7.8 */
    "#c0bfbc", /*  7 white: 9.1 */
    "#8f8f8f", /*  8 bright black: 5.2 */
    "#ff7b63", /*  9 bright red: 6.6 */
    "#57e389", /* 10 bright green: 10.1 */
    "#f8e45c", /* 11 bright yellow: 12.9 */
    "#8cc1ff", /* 12 bright blue: 8.9 */
    "#dc8add", /* 13 bright magenta: 6.9 */
    "#62e6f5", /* 14 bright cyan: 11.2 */
    "#f6f5f4", /* 15 bright white: 15.3 */
};

static double linear(double channel)
{
    return channel <= 0.04045 ? channel / 12.92 : pow((channel + 0.055) / 1.055, 2.4);
}

double vireo_relative_luminance(const GdkRGBA *color)
{
    return 0.2126 * linear(color->red) + 0.7152 * linear(color->green) +
           0.0722 * linear(color->blue);
}

double vireo_contrast_ratio(const GdkRGBA *a, const GdkRGBA *b)
{
    double la = vireo_relative_luminance(a), lb = vireo_relative_luminance(b);
    return (MAX(la, lb) + 0.05) / (MIN(la, lb) + 0.05);
}

void vireo_console_set_colors(VteTerminal *term)
{
    GdkRGBA fg, bg, palette[VIREO_CONSOLE_PALETTE_SIZE];
    gdk_rgba_parse(&fg, vireo_console_foreground);
    gdk_rgba_parse(&bg, vireo_console_background);
    for (unsigned i = 0; i < VIREO_CONSOLE_PALETTE_SIZE; i++)
        gdk_rgba_parse(&palette[i], vireo_console_palette[i]);
    vte_terminal_set_colors(term, &fg, &bg, palette, VIREO_CONSOLE_PALETTE_SIZE);
}

/* The `vireo` command line. */
#ifndef VIREO_CLI_H
#define VIREO_CLI_H

#include <glib.h>

/* Exit statuses of the command line. */
#define VIREO_EXIT_OK      0
#define VIREO_EXIT_FAILED  1 /* the guest reported failure */
#define VIREO_EXIT_USAGE   2 /* bad options, configuration or input files */
#define VIREO_EXIT_TIMEOUT 124
/* Stopped by a signal: 128 + its number (129 SIGHUP, 130 SIGINT, 143 SIGTERM). */

/* text as it can go to a terminal: control characters (newline, ESC, ...) and bytes that are
 * not UTF-8 written as escapes (\n, \e, \x07, \u{202e}); printable UTF-8 kept. */
char *vireo_cli_escape(const char *text);

/* Prints "vireo COMMAND: MESSAGE" (or "vireo: MESSAGE" when command is NULL) on
 * standard error, with a new line; MESSAGE is escaped as vireo_cli_escape() does. */
void vireo_cli_error(const char *command, const char *format, ...) G_GNUC_PRINTF(2, 3);

int vireo_cmd_run(int argc, char **argv);
int vireo_cmd_create(int argc, char **argv);
int vireo_cmd_list(int argc, char **argv);
/* The desktop application (app/vireo-application.c); argv as main() got it, called after
 * vireo_i18n_init(). */
int vireo_gui_main(int argc, char **argv);

#endif

/* The `vireo` command line. */
#ifndef VIREO_CLI_H
#define VIREO_CLI_H

/* Exit statuses of the command line. */
#define VIREO_EXIT_OK      0
#define VIREO_EXIT_FAILED  1 /* the guest reported failure */
#define VIREO_EXIT_USAGE   2 /* bad options, configuration or input files */
#define VIREO_EXIT_TIMEOUT 124

int vireo_cmd_run(int argc, char **argv);
int vireo_cmd_create(int argc, char **argv);
int vireo_cmd_list(int argc, char **argv);
/* The desktop application (app/vireo-application.c); argv as main() got it, called after
 * vireo_i18n_init(). */
int vireo_gui_main(int argc, char **argv);

#endif

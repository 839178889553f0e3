/* A `vireo run` process driven through its console: started with arguments, its standard
 * output read as it comes, keys typed into its standard input (the monitor included). */
#ifndef VIREO_TEST_VPROC_H
#define VIREO_TEST_VPROC_H

#include <gio/gio.h>
#include <stdbool.h>

typedef struct VProc {
    GSubprocess *proc;
    GOutputStream *in;
    GString *out;    /* everything it wrote to standard output */
    GString *err;    /* and to standard error */
    gsize scan_from; /* where the next expect looks from */
    int status;      /* exit status once it ended, else -1 */
} VProc;

/* Starts $VIREO with argv (NULL-terminated, without the program); NULL on failure. */
VProc *vproc_start(const char *const *argv);
/* Waits up to timeout_s for needle in the output after the last match. */
bool vproc_expect(VProc *p, const char *needle, double timeout_s);
void vproc_type(VProc *p, const char *text);
/* Pauses the machine, saves its state to path and quits, through the monitor; true when the
 * process said the state was saved and ended with status 0. */
bool vproc_save_and_quit(VProc *p, const char *path, double timeout_s);
/* Waits for the process to end; returns its exit status, or -1 on timeout (then kills it). */
int vproc_wait(VProc *p, double timeout_s);
/* Runs a shell command in the guest's console and returns its output (markers around it, as a
 * person would read it); NULL on timeout. */
char *vproc_run_cmd(VProc *p, const char *command, double timeout_s);
/* Keeps reading its output for ms milliseconds. */
void vproc_run_for(VProc *p, unsigned ms);
void vproc_free(VProc *p);

#endif

/* Driving a guest through its serial console, the way a person at a terminal would: start a
 * machine, wait for text, type commands, read the answers. */
#ifndef VIREO_TEST_GUEST_H
#define VIREO_TEST_GUEST_H

#include <glib.h>
#include <stdbool.h>
#include <stdio.h>

#include "vr-machine.h"

typedef struct Guest {
    VrMachine *m;
    GMainContext *ctx;
    GString *console; /* everything the guest wrote */
    gsize scan_from;  /* where the next expect looks from */
    bool stopped;
    VrMachineResult result;
    unsigned net_changes; /* VR_EVENT_NET_CHANGED events seen */
    char *name;
    FILE *log; /* the console as it comes, under $VIREO_TEST_OUTPUT */
} Guest;

/* Path of a test guest artefact built by tests/guests/SCRIPT, or NULL when it is not built
 * (the caller skips, naming what is missing). */
char *guest_artifact(const char *script, const char *file);

/* Builds and starts a machine; the test fails if that does not work. */
Guest *guest_start(const char *name, const VrMachineConfig *cfg);
/* Waits up to timeout_s for needle in what the guest wrote since the last match; on
 * success the next search starts after it. Returns false on timeout or power-off. */
bool guest_expect(Guest *g, const char *needle, double timeout_s);
/* Types text into the console. */
void guest_type(Guest *g, const char *text);
/* A shell command typed with markers around its output: line is what to type (the markers
 * split by quotes, so its echo does not match them), start and end what to wait for. */
typedef struct GuestCommand {
    char *line, *start, *end;
} GuestCommand;
void guest_command_init(GuestCommand *c, const char *command);
void guest_command_clear(GuestCommand *c);
/* The command's output from len bytes of console text between the markers, without the
 * serial line's carriage returns and surrounding white space. */
char *guest_command_output(const char *text, gsize len);

/* Runs a shell command and returns its output: types the command wrapped in markers, and
 * waits for the end marker. NULL on timeout. */
char *guest_run(Guest *g, const char *command, double timeout_s);
/* Waits for the machine to stop (the guest powered off). */
bool guest_wait_stopped(Guest *g, double timeout_s);
/* Powers off if needed, saves the console log under the build folder, frees. */
void guest_free(Guest *g);

#endif

/* A PulseAudio server of a test's own: a daemon in a private folder with null sinks and
 * sources, the clients (pactl, pacat, parec) that talk to it, and nothing left behind. Used
 * by the audio unit test, the sound boot tests and the UI's sound test. */
#ifndef VR_PULSE_TEST_SERVER_H
#define VR_PULSE_TEST_SERVER_H

#include <gio/gio.h>
#include <stdbool.h>

typedef struct {
    char *dir, *socket, *server; /* server: "unix:<socket>", for $PULSE_SERVER */
    GPid pid;                    /* 0 while not running */
    char **modules;              /* loaded with -L after the native protocol */
    GPtrArray *keep;             /* GSubprocess: silence played into each null sink */
} VrTestPulse;

/* NULL when pulseaudio, pactl, pacat and parec are installed, else a sentence saying which is
 * missing (static), for g_test_skip. */
const char *vr_test_pulse_missing(void);

/* Makes the server's folder and names; starts nothing. modules (NULL-terminated) are
 * -L arguments, e.g. "module-null-sink sink_name=speakers". */
void vr_test_pulse_init(VrTestPulse *p, const char *const *modules);

/* Starts the daemon (again, after vr_test_pulse_kill) and waits until it answers. An idle
 * null sink renders in blocks of 2 s, so a stream coming to it waits up to that long for
 * its first sound; low-latency silence is played into each null sink for as long as the
 * server runs, and the start waits until the sinks render in small blocks, as a sound card
 * does. The daemon and its clients die with the test, even when an assertion ends it. */
void vr_test_pulse_start(VrTestPulse *p);

/* Kills the daemon at once (SIGKILL) and its silence players. */
void vr_test_pulse_kill(VrTestPulse *p);

/* Kills it if running and removes its folder. */
void vr_test_pulse_free(VrTestPulse *p);

/* The environment for a client of this server. Free with g_strfreev. */
char **vr_test_pulse_env(const VrTestPulse *p);

/* Runs pactl with args (NULL-terminated) and asserts that it succeeds. */
void vr_test_pulse_ctl(const VrTestPulse *p, const char *const *args);

/* Starts a client (argv[0] found in PATH) with stdin from in and stdout to out (files, either
 * NULL), its stderr silenced. */
GSubprocess *vr_test_pulse_client(const VrTestPulse *p, const char *in, const char *out,
                                  const char *const *argv);

/* Ends a client with SIGTERM, waits for it and frees it. */
void vr_test_pulse_client_stop(GSubprocess *s);

#endif

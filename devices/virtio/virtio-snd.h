/* virtio-snd (VIRTIO 1.2, 5.14): a sound card with one output and one input PCM stream in
 * front of an audio backend (audio/vr-audio.h).
 *
 * Queues: control (0), event (1), tx (2), rx (3). The configuration space says 2 jacks
 * (0: line out, 1: microphone), 2 streams (0: output, 1: input) and 16 channel maps
 * (0..7: output with 1..8 channels, 8..15: input with 1..8 channels); all three of them
 * answer their INFO requests. Streams follow the PCM state machine of 5.14.6.6.1, starting
 * with parameters set (S16, 48 kHz, stereo). Output takes U8, S8, S16, U16, the 18-, 20- and
 * 24-bit formats in 3 and 4 bytes, S32, U32, FLOAT, FLOAT64, mu-law and A-law (converted
 * to the U8, S16, S32 or FLOAT the backend takes); input gives U8, S16, S32 and FLOAT; rates
 * 8 kHz to 192 kHz, 1 to 8 channels. No optional stream feature (shared memory, polling,
 * period or xrun events) is offered, so the event queue stays untouched.
 *
 * A thread of the device's own moves sound: every few milliseconds it writes the data of
 * the tx buffers waiting for a running output stream to the backend (as much as the backend
 * has room for, so buffers come back at the rate they are played) and fills rx buffers from
 * it. A bad request gets VIRTIO_SND_S_BAD_MSG (malformed, unknown stream, wrong state) or
 * _NOT_SUPP (a format, rate, channel count or feature not offered), a failure of the
 * backend _IO_ERR, each with a rate-limited log line; other streams go on.
 */
#ifndef VR_VIRTIO_SND_H
#define VR_VIRTIO_SND_H

#include "vr-audio.h"
#include "virtio.h"

#define VR_VIRTIO_ID_SOUND 25

/* Requests, events and status codes (5.14.6). */
#define VR_VIRTIO_SND_R_JACK_INFO      1
#define VR_VIRTIO_SND_R_JACK_REMAP     2
#define VR_VIRTIO_SND_R_PCM_INFO       0x0100
#define VR_VIRTIO_SND_R_PCM_SET_PARAMS 0x0101
#define VR_VIRTIO_SND_R_PCM_PREPARE    0x0102
#define VR_VIRTIO_SND_R_PCM_RELEASE    0x0103
#define VR_VIRTIO_SND_R_PCM_START      0x0104
#define VR_VIRTIO_SND_R_PCM_STOP       0x0105
#define VR_VIRTIO_SND_R_CHMAP_INFO     0x0200
#define VR_VIRTIO_SND_S_OK             0x8000
#define VR_VIRTIO_SND_S_BAD_MSG        0x8001
#define VR_VIRTIO_SND_S_NOT_SUPP       0x8002
#define VR_VIRTIO_SND_S_IO_ERR         0x8003

#define VR_VIRTIO_SND_D_OUTPUT 0
#define VR_VIRTIO_SND_D_INPUT  1

/* Sample formats (5.14.6.6.1 and the Linux ABI's numbering). */
enum {
    VR_VIRTIO_SND_PCM_FMT_IMA_ADPCM,
    VR_VIRTIO_SND_PCM_FMT_MU_LAW,
    VR_VIRTIO_SND_PCM_FMT_A_LAW,
    VR_VIRTIO_SND_PCM_FMT_S8,
    VR_VIRTIO_SND_PCM_FMT_U8,
    VR_VIRTIO_SND_PCM_FMT_S16,
    VR_VIRTIO_SND_PCM_FMT_U16,
    VR_VIRTIO_SND_PCM_FMT_S18_3,
    VR_VIRTIO_SND_PCM_FMT_U18_3,
    VR_VIRTIO_SND_PCM_FMT_S20_3,
    VR_VIRTIO_SND_PCM_FMT_U20_3,
    VR_VIRTIO_SND_PCM_FMT_S24_3,
    VR_VIRTIO_SND_PCM_FMT_U24_3,
    VR_VIRTIO_SND_PCM_FMT_S20,
    VR_VIRTIO_SND_PCM_FMT_U20,
    VR_VIRTIO_SND_PCM_FMT_S24,
    VR_VIRTIO_SND_PCM_FMT_U24,
    VR_VIRTIO_SND_PCM_FMT_S32,
    VR_VIRTIO_SND_PCM_FMT_U32,
    VR_VIRTIO_SND_PCM_FMT_FLOAT,
    VR_VIRTIO_SND_PCM_FMT_FLOAT64,
    VR_VIRTIO_SND_PCM_FMT_COUNT,
};

/* Rates: index i is the rate vr_virtio_snd_rate(i). */
#define VR_VIRTIO_SND_PCM_RATE_8000   1
#define VR_VIRTIO_SND_PCM_RATE_44100  6
#define VR_VIRTIO_SND_PCM_RATE_48000  7
#define VR_VIRTIO_SND_PCM_RATE_96000  10
#define VR_VIRTIO_SND_PCM_RATE_192000 12
unsigned vr_virtio_snd_rate(unsigned index); /* 0 for an index not known */

/* Channel positions (VIRTIO_SND_CHMAP_*) used in the channel maps. */
#define VR_VIRTIO_SND_CHMAP_MONO 2
#define VR_VIRTIO_SND_CHMAP_FL   3
#define VR_VIRTIO_SND_CHMAP_FR   4
#define VR_VIRTIO_SND_CHMAP_RL   5
#define VR_VIRTIO_SND_CHMAP_RR   6
#define VR_VIRTIO_SND_CHMAP_FC   7
#define VR_VIRTIO_SND_CHMAP_LFE  8
#define VR_VIRTIO_SND_CHMAP_SL   9
#define VR_VIRTIO_SND_CHMAP_SR   10
#define VR_VIRTIO_SND_CHMAP_RC   11

#define VR_VIRTIO_SND_JACKS           2
#define VR_VIRTIO_SND_STREAMS         2
#define VR_VIRTIO_SND_CHMAPS          16
#define VR_VIRTIO_SND_CONFIG_SIZE     12 /* jacks, streams, chmaps */
#define VR_VIRTIO_SND_JACK_INFO_SIZE  24
#define VR_VIRTIO_SND_PCM_INFO_SIZE   32
#define VR_VIRTIO_SND_CHMAP_INFO_SIZE 24
#define VR_VIRTIO_SND_QUEUE_SIZE      256

/* Takes the backend (freed with the device, or by vr_virtio_snd_close_backend). */
VrVirtioDevice *vr_virtio_snd_new(VrAudioBackend *backend);
/* Stops the device's thread and frees the backend: no sound moves after this returns (the
 * streams answer IO_ERR from then on). A machine calls it before its I/O thread stops. Done
 * by the device's free too. */
void vr_virtio_snd_close_backend(VrVirtioDevice *dev);
/* Muted output plays silence; the level meter still shows what the guest plays. */
void vr_virtio_snd_set_muted(VrVirtioDevice *dev, bool muted);
bool vr_virtio_snd_muted(VrVirtioDevice *dev);
/* The peak of the output of about the last 50 ms, 0 .. 1. */
float vr_virtio_snd_level(VrVirtioDevice *dev);
/* Times the sound broke off while a stream was running: the backend's output ran dry, or
 * the backend stalled (vr_virtio_snd_stalls). */
unsigned vr_virtio_snd_underruns(VrVirtioDevice *dev);
/* Times the backend moved no sound for a while as a stream ran and the device kept the
 * stream's time itself (dropping output, filling input with silence). */
unsigned vr_virtio_snd_stalls(VrVirtioDevice *dev);
/* The backend's status line: "connected", or why not. Free with g_free. */
char *vr_virtio_snd_status(VrVirtioDevice *dev);

#endif

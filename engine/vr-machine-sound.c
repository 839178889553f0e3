/* A machine's sound card, as the windows see it: mute, level, underruns, the backend's
 * status. */
#include "virtio/virtio-snd.h"
#include "vr-machine-private.h"

bool vr_machine_has_sound(VrMachine *m)
{
    return m->sound != NULL;
}

bool vr_machine_sound_set_muted(VrMachine *m, bool muted)
{
    if (!m->sound)
        return false;
    vr_virtio_snd_set_muted(m->sound, muted);
    return true;
}

bool vr_machine_sound_muted(VrMachine *m)
{
    return m->sound && vr_virtio_snd_muted(m->sound);
}

float vr_machine_sound_level(VrMachine *m)
{
    return m->sound ? vr_virtio_snd_level(m->sound) : 0;
}

unsigned vr_machine_sound_underruns(VrMachine *m)
{
    return m->sound ? vr_virtio_snd_underruns(m->sound) : 0;
}

char *vr_machine_sound_status(VrMachine *m)
{
    return m->sound ? vr_virtio_snd_status(m->sound) : NULL;
}

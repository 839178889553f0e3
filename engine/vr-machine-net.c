/* A machine's network: the card's link and the backend's host port forwards. */
#include <gio/gio.h>

#include "net/vr-net-slirp.h"
#include "virtio/virtio-net.h"
#include "vr-i18n.h"
#include "vr-machine-private.h"

bool vr_machine_has_net(VrMachine *m)
{
    return m->net != NULL;
}

bool vr_machine_net_set_link(VrMachine *m, bool up)
{
    if (!m->net)
        return false;
    vr_virtio_net_set_link(m->net, up);
    return true;
}

static VrNetBackend *backend(VrMachine *m, GError **error)
{
    VrNetBackend *be = m->net ? vr_virtio_net_backend(m->net) : NULL;
    if (!be)
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                    _("The machine has no network (user-mode networking is off)"));
    return be;
}

bool vr_machine_net_add_forward(VrMachine *m, const char *forward, GError **error)
{
    VrNetForward fwd;
    VrNetBackend *be = backend(m, error);
    return be && vr_net_forward_parse(forward, &fwd, error) &&
           vr_net_slirp_add_forward(be, &fwd, error);
}

bool vr_machine_net_remove_forward(VrMachine *m, const char *forward, GError **error)
{
    VrNetForward fwd;
    VrNetBackend *be = backend(m, error);
    return be && vr_net_forward_parse(forward, &fwd, error) &&
           vr_net_slirp_remove_forward(be, &fwd, error);
}

char *vr_machine_net_guest_address(VrMachine *m)
{
    char addr[16];
    VrNetBackend *be = m->net ? vr_virtio_net_backend(m->net) : NULL;
    return be && vr_net_slirp_guest_address(be, addr) ? g_strdup(addr) : NULL;
}

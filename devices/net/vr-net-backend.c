/* The network backend interface. */
#include "vr-net-backend.h"

#include <glib.h>

void vr_net_backend_set_receiver(VrNetBackend *be, const VrNetReceiver *receiver)
{
    be->receiver = *receiver;
}

void vr_net_backend_send(VrNetBackend *be, const uint8_t *frame, size_t len)
{
    be->ops->send(be, frame, len);
}

void vr_net_backend_receive_ready(VrNetBackend *be)
{
    if (be->ops->receive_ready)
        be->ops->receive_ready(be);
}

bool vr_net_backend_deliver(VrNetBackend *be, const uint8_t *frame, size_t len, unsigned flags)
{
    if (!be->receiver.receive || len > VR_NET_MAX_FRAME)
        return false;
    return be->receiver.receive(be->receiver.opaque, frame, len, flags);
}

void vr_net_backend_free(VrNetBackend *be)
{
    if (be)
        be->ops->free(be);
}

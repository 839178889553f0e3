/* riscv-tests host interface. tohost = 1: pass; (n << 1) | 1: test n failed. Even values
 * are commands: device 1 command 1 prints a byte; device 0 points at a syscall block
 * whose first word is the syscall number (64 write, 93 exit). */
#include <glib.h>

#include "htif.h"

#define SYS_WRITE 64
#define SYS_EXIT  93

static void reply(VrHtif *t, uint64_t value)
{
    uint64_t zero = 0;
    vr_address_space_write_ram(t->as, t->tohost, &zero, 8);
    if (t->fromhost)
        vr_address_space_write_ram(t->as, t->fromhost, &value, 8);
}

static void do_syscall(VrHtif *t, uint64_t block)
{
    uint64_t args[4];
    if (!vr_address_space_read_ram(t->as, block, args, sizeof(args)))
        return;
    if (args[0] == SYS_EXIT) {
        t->exit(t->opaque, (unsigned) args[1]);
        return;
    }
    uint64_t ret = (uint64_t) -1;
    if (args[0] == SYS_WRITE && (args[1] == 1 || args[1] == 2) && args[3] <= (1u << 20)) {
        const uint8_t *p = vr_address_space_ram_ptr(t->as, args[2], args[3]);
        if (p) {
            t->output(t->opaque, p, args[3]);
            ret = args[3];
        }
    }
    vr_address_space_write_ram(t->as, block, &ret, 8);
    reply(t, 1);
}

static void tohost_written(void *opaque, uint64_t paddr, unsigned size)
{
    VrHtif *t = opaque;
    uint64_t v;
    if (!vr_address_space_read_ram(t->as, t->tohost, &v, 8) || v == 0)
        return;
    if (v & 1) {
        t->exit(t->opaque, (unsigned) MIN(v >> 1, (uint64_t) G_MAXUINT));
        return;
    }
    unsigned device = (unsigned) (v >> 56), cmd = (unsigned) ((v >> 48) & 0xff);
    uint64_t payload = v & ((1ull << 48) - 1);
    if (device == 1 && cmd == 1) {
        uint8_t c = (uint8_t) payload;
        t->output(t->opaque, &c, 1);
        reply(t, (1ull << 56) | (1ull << 48));
    } else if (device == 0 && cmd == 0) {
        do_syscall(t, payload);
    }
}

void vr_htif_attach(VrHtif *htif)
{
    if (htif->attached)
        return;
    vr_address_space_watch_writes(htif->as, htif->tohost, 8, tohost_written, htif);
    htif->attached = true;
}

static void htif_save(VrDevice *dev, VrStateWriter *w)
{
    VrHtif *t = (VrHtif *) dev;
    vr_state_put_bool(w, t->attached);
    vr_state_put_u64(w, t->tohost);
    vr_state_put_u64(w, t->fromhost);
}

static bool htif_load(VrDevice *dev, VrStateReader *r)
{
    VrHtif *t = (VrHtif *) dev;
    bool attached = vr_state_get_bool(r);
    uint64_t tohost = vr_state_get_u64(r), fromhost = vr_state_get_u64(r);
    if (vr_state_reader_failed(r))
        return false;
    if (!attached)
        return true;
    if (!vr_address_space_ram_ptr(t->as, tohost, 8) ||
        (fromhost && !vr_address_space_ram_ptr(t->as, fromhost, 8))) {
        vr_state_reader_invalid(r, "tohost 0x%llx or fromhost 0x%llx is not in RAM",
                                (unsigned long long) tohost, (unsigned long long) fromhost);
        return false;
    }
    if (t->attached && t->tohost != tohost) {
        vr_state_reader_invalid(r, "tohost moved from 0x%llx to 0x%llx",
                                (unsigned long long) t->tohost, (unsigned long long) tohost);
        return false;
    }
    t->tohost = tohost;
    t->fromhost = fromhost;
    vr_htif_attach(t);
    return true;
}

static void htif_free(VrDevice *dev)
{
    g_free(dev);
}

static const VrDeviceOps htif_device_ops = {
    .save = htif_save,
    .load = htif_load,
    .free = htif_free,
};

VrHtif *vr_htif_new(void)
{
    VrHtif *t = g_new0(VrHtif, 1);
    t->dev.ops = &htif_device_ops;
    return t;
}

VrDevice *vr_htif_device(VrHtif *htif)
{
    return &htif->dev;
}

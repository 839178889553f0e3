#include <glib.h>

#include "sifive-test.h"

struct VrSifiveTest {
    VrDevice dev;
    VrFinishFn finish;
    void *opaque;
};

static bool test_read(void *opaque, uint64_t offset, unsigned size, uint64_t *value)
{
    *value = 0;
    return true;
}

static bool test_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VrSifiveTest *t = opaque;
    /* OpenSBI writes a 16-bit status; a 32-bit write adds the failure code above it. */
    if (offset != 0 || size < 2)
        return true;
    unsigned status = value & 0xffff, code = (unsigned) ((value >> 16) & 0xffff);
    switch (status) {
    case 0x3333: t->finish(t->opaque, VR_FINISH_FAIL, code); break;
    case 0x5555: t->finish(t->opaque, VR_FINISH_PASS, 0); break;
    case 0x7777: t->finish(t->opaque, VR_FINISH_RESET, 0); break;
    default: break;
    }
    return true;
}

static const VrMmioOps sifive_test_ops = {
    .read = test_read,
    .write = test_write,
};

const VrMmioOps *vr_sifive_test_ops(void)
{
    return &sifive_test_ops;
}

static void test_device_free(VrDevice *dev)
{
    g_free(dev);
}

static const VrDeviceOps test_device_ops = {
    .free = test_device_free,
};

VrSifiveTest *vr_sifive_test_new(VrFinishFn finish, void *opaque)
{
    VrSifiveTest *t = g_new0(VrSifiveTest, 1);
    t->dev.ops = &test_device_ops;
    t->finish = finish;
    t->opaque = opaque;
    return t;
}

VrDevice *vr_sifive_test_device(VrSifiveTest *t)
{
    return &t->dev;
}

/* A virtio-mmio transport with a virtio-rng, virtio-console, virtio-blk, virtio-input (the
 * power button), virtio-gpu (the CPU renderer) or virtio-snd (the null backend) device behind
 * it,
 * driven by a guest that sets the device up properly and then does what the input says:
 * register accesses, descriptors and ring entries of its choosing, notifications, bytes
 * anywhere in its RAM, and (host side) console input, input events or well-formed sound
 * control requests with values of the input's choosing. Queue work runs on the caller's
 * thread (no I/O thread), so an input replays exactly; virtio-snd's own thread moves sound
 * in real time, so its tx and rx buffers may come back at other moments in a replay.
 *
 * The input: one byte picks the device (its low two bits, bit 6 for the gpu, bit 7 for sound)
 * and the
 * features, then 13-byte steps of
 * operation, queue, index, and a 64-bit and a 16-bit value. */
#include <string.h>

#include "../unit/virtio-test-driver.h"
#include "fuzz-common.h"
#include "virtio/virtio-blk.h"
#include "virtio/virtio-console.h"
#include "virtio/virtio-input.h"
#include "virtio/virtio-rng.h"
#include "virtio/virtio-snd.h"
#include "virtio-gpu.h"

#define RAM_SIZE   (1ull << 20)
#define QUEUE_SIZE 8
#define MAX_QUEUES 4

static char *disk_image;

static size_t discard_output(void *opaque, const uint8_t *data, size_t len)
{
    return len;
}

static const uint32_t registers[] = {
    VR_VIRTIO_MMIO_MAGIC_VALUE,
    VR_VIRTIO_MMIO_DEVICE_FEATURES,
    VR_VIRTIO_MMIO_DEVICE_FEATURES_SEL,
    VR_VIRTIO_MMIO_DRIVER_FEATURES,
    VR_VIRTIO_MMIO_DRIVER_FEATURES_SEL,
    VR_VIRTIO_MMIO_QUEUE_SEL,
    VR_VIRTIO_MMIO_QUEUE_NUM_MAX,
    VR_VIRTIO_MMIO_QUEUE_NUM,
    VR_VIRTIO_MMIO_QUEUE_READY,
    VR_VIRTIO_MMIO_QUEUE_NOTIFY,
    VR_VIRTIO_MMIO_INTERRUPT_STATUS,
    VR_VIRTIO_MMIO_INTERRUPT_ACK,
    VR_VIRTIO_MMIO_STATUS,
    VR_VIRTIO_MMIO_QUEUE_DESC_LOW,
    VR_VIRTIO_MMIO_QUEUE_DESC_HIGH,
    VR_VIRTIO_MMIO_QUEUE_DRIVER_LOW,
    VR_VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
    VR_VIRTIO_MMIO_QUEUE_DEVICE_LOW,
    VR_VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
    VR_VIRTIO_MMIO_SHM_SEL,
    VR_VIRTIO_MMIO_SHM_LEN_LOW,
    VR_VIRTIO_MMIO_QUEUE_RESET,
    VR_VIRTIO_MMIO_CONFIG_GENERATION,
    VR_VIRTIO_MMIO_CONFIG,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_init_logging();
    static const uint8_t sector[512] = {0};
    g_autoptr(GByteArray) image = g_byte_array_new();
    for (unsigned i = 0; i < 64; i++)
        g_byte_array_append(image, sector, sizeof(sector));
    disk_image = g_strdup(fuzz_write_file("disk.img", image->data, image->len));
    return 0;
}

/* A guest address: mostly in RAM (where rings and buffers are), sometimes anywhere. */
static uint64_t guest_addr(uint64_t v)
{
    if (v >> 63)
        return v << 1;
    return TD_RAM_BASE + (v % RAM_SIZE);
}

/* A control request of the kind index picks, for stream (index >> 4) & 3, its other fields
 * from value and extra, in descriptors 0 and 1 of the control queue; not waited for. */
static void snd_request(TdMachine *m, TdQueue *ctl, uint8_t index, uint64_t value, uint16_t extra)
{
    static const uint32_t codes[] = {
        VR_VIRTIO_SND_R_JACK_INFO,      VR_VIRTIO_SND_R_PCM_INFO,    VR_VIRTIO_SND_R_CHMAP_INFO,
        VR_VIRTIO_SND_R_PCM_SET_PARAMS, VR_VIRTIO_SND_R_PCM_PREPARE, VR_VIRTIO_SND_R_PCM_START,
        VR_VIRTIO_SND_R_PCM_STOP,       VR_VIRTIO_SND_R_PCM_RELEASE, VR_VIRTIO_SND_R_JACK_REMAP,
    };
    uint64_t req = TD_RAM_BASE + 0x7e000, resp = TD_RAM_BASE + 0x7f000;
    uint8_t *p = td_host(m, req);
    memset(p, 0, 24);
    uint32_t code = codes[index % G_N_ELEMENTS(codes)];
    uint32_t stream = (index >> 4) & 3;
    memcpy(p, &code, 4);
    memcpy(p + 4, &stream, 4);
    if (code == VR_VIRTIO_SND_R_PCM_SET_PARAMS) {
        /* Mostly sizes in whole frames of a format and rate the device offers. */
        uint32_t period = (uint32_t) (value & 0xfff) * 8 + 8, buffer = period * (1 + (extra & 7));
        memcpy(p + 8, &buffer, 4);
        memcpy(p + 12, &period, 4);
        p[20] = (uint8_t) (1 + ((value >> 16) & 7));
        p[21] = (uint8_t) ((value >> 24) % 21);
        p[22] = (uint8_t) ((value >> 32) % 14);
        if (index & 0x80)
            memcpy(p + 8, &value, 8);
    } else {
        uint32_t words[3] = {(uint32_t) (value & 0x1f), (uint32_t) ((value >> 8) & 0x1f),
                             (uint32_t) (extra & 0x3f)};
        memcpy(p + 4, words, sizeof(words));
    }
    td_set_desc(m, ctl, 0, req, 8 + extra % 24, VR_VIRTQ_DESC_F_NEXT, 1);
    td_set_desc(m, ctl, 1, resp, 4 + (uint32_t) (value >> 48) % 512, VR_VIRTQ_DESC_F_WRITE, 0);
    td_publish(m, ctl, 0);
    td_kick(m, ctl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzInput in = {data, size};
    uint8_t setup = fuzz_u8(&in);
    VrVirtioDevice *dev;
    unsigned nq;
    bool gpu = setup & 0x40, snd = !gpu && (setup & 0x80);
    switch (snd ? 5 : gpu ? 4 : setup % 4) {
    case 0:
        dev = vr_virtio_rng_new();
        nq = 1;
        break;
    case 1:
        dev = vr_virtio_console_new(discard_output, NULL);
        nq = 2;
        break;
    case 2: {
        g_autoptr(GError) error = NULL;
        dev = vr_virtio_blk_new(disk_image, (setup >> 2) & 1, &error);
        if (!dev)
            g_error("%s", error->message);
        nq = 1;
        break;
    }
    case 3:
        dev = vr_virtio_input_power_button_new();
        nq = 2;
        break;
    case 4:
        dev = vr_virtio_gpu_new(vr_renderer_cpu_new(), 800, 600, 16 << 20);
        nq = 2;
        break;
    default:
        dev = vr_virtio_snd_new(vr_audio_null_new(5));
        nq = 4;
        break;
    }
    uint64_t features = 1ull << VR_VIRTIO_F_VERSION_1;
    if (setup & 0x10)
        features |= 1ull << VR_VIRTIO_F_INDIRECT_DESC;
    if (setup & 0x20)
        features |= 1ull << VR_VIRTIO_F_EVENT_IDX;

    TdMachine m = {0};
    td_init(&m, dev, RAM_SIZE, false);
    TdQueue queues[MAX_QUEUES];
    td_start(&m, features, queues, nq, QUEUE_SIZE);

    while (in.left >= 13) {
        uint8_t op = fuzz_u8(&in);
        TdQueue *q = &queues[fuzz_u8(&in) % nq];
        uint8_t index = fuzz_u8(&in);
        uint64_t value = fuzz_u64(&in);
        uint16_t extra = fuzz_u16(&in);
        uint64_t mmio = TD_MMIO_BASE;
        switch (op % 10) {
        case 0: { /* a register store */
            uint32_t reg = registers[index % G_N_ELEMENTS(registers)];
            if (reg == VR_VIRTIO_MMIO_CONFIG)
                reg += extra % 0x100;
            unsigned width = reg >= VR_VIRTIO_MMIO_CONFIG ? 1u << (op >> 6) : 4;
            reg &= ~(width - 1);
            (void) vr_address_space_store(m.as, mmio + reg, width, value);
            break;
        }
        case 1: { /* a register load, anywhere in the window */
            unsigned width = 1u << (op >> 6);
            uint64_t v;
            (void) vr_address_space_load(
                m.as, mmio + ((extra % VR_VIRTIO_MMIO_SIZE) & ~(width - 1)), width, &v);
            break;
        }
        case 2: /* a descriptor */
            td_set_desc(&m, q, index % q->size, guest_addr(value), (uint32_t) (value >> 32) ^ extra,
                        (uint16_t) (op >> 4), extra % (QUEUE_SIZE + 2));
            break;
        case 3: /* a well-formed descriptor, in the data area */
            td_set_desc(&m, q, index % q->size, TD_RAM_BASE + 0x80000 + (value % 0x70000),
                        1 + extra % 4096, (uint16_t) ((op >> 4) & 3), (index + 1) % q->size);
            break;
        case 4: /* published and notified */
            td_publish(&m, q, index % (QUEUE_SIZE + 1));
            td_kick(&m, q);
            break;
        case 5: /* a notification alone */ td_kick(&m, q); break;
        case 6: { /* eight bytes in the rings */
            uint64_t base = (op & 0x10) ? q->avail : (op & 0x20) ? q->used : q->desc;
            uint8_t *p = td_host(&m, base + (extra % 256) * 8 % (16 * QUEUE_SIZE));
            memcpy(p, &value, 8);
            break;
        }
        case 7: /* eight bytes anywhere in RAM */
            memcpy(td_host(&m, TD_RAM_BASE + (value >> 32) % (RAM_SIZE - 8)), &extra, 2);
            break;
        case 8: /* an indirect table entry, in the data area */
            td_set_desc_at(&m, TD_RAM_BASE + 0x40000 + 16 * (extra % 256), index % 64,
                           guest_addr(value), (uint32_t) (value >> 40), (uint16_t) (op >> 4),
                           (uint16_t) (extra >> 8));
            break;
        default:
            if (snd) {
                snd_request(&m, &queues[0], index, value, extra);
            } else if (gpu) {
                (void) vr_virtio_gpu_set_display_size(dev, (uint32_t) value % 5000,
                                                      (uint32_t) (value >> 32) % 5000);
            } else if (setup % 4 == 1) {
                uint8_t bytes[8];
                memcpy(bytes, &value, 8);
                (void) vr_virtio_console_input(dev, bytes, 1 + index % 8);
            } else if (setup % 4 == 3) {
                VrVirtioInputEvent e = {(uint16_t) value, (uint16_t) (value >> 16),
                                        (int32_t) (value >> 32)};
                if (index & 1)
                    (void) vr_virtio_input_press_power(dev);
                else
                    (void) vr_virtio_input_send(dev, &e, 1);
            } else {
                (void) vr_address_space_store(m.as, mmio + VR_VIRTIO_MMIO_STATUS, 4, 0);
                m.next_alloc = TD_RAM_BASE + 0x1000;
                td_start(&m, features, queues, nq, QUEUE_SIZE);
            }
            break;
        }
    }
    if (snd)
        vr_virtio_snd_close_backend(m.dev);
    td_free(&m);
    return 0;
}

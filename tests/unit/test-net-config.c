/* A machine's network settings: --net's syntax, [net] in machine.ini, the validator, and the
 * riscv64-virt board's network card (its slot, link and forwards at run time). */
#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virtio/virtio-mmio.h"
#include "virtio/virtio-net.h"
#include "vr-machine-config.h"
#include "machine-test-util.h"
#include "vr-machine-private.h"

#define NET_BASE 0x1000f000ull

static void test_option(void)
{
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_parse_net_option(&cfg, "user", &error));
    g_assert_true(cfg.net);
    g_assert_false(cfg.net_restricted);
    g_assert_null(cfg.net_mac);
    g_assert_cmpuint(cfg.net_forwards->len, ==, 0);
    g_assert_true(vr_parse_net_option(&cfg,
                                      "user,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22,"
                                      "hostfwd=udp::5353-:53,mac=52:54:00:aa:bb:cc",
                                      &error));
    g_assert_no_error(error);
    g_assert_true(cfg.net_restricted);
    g_assert_cmpstr(cfg.net_mac, ==, "52:54:00:aa:bb:cc");
    g_assert_cmpuint(cfg.net_forwards->len, ==, 2);
    g_assert_cmpstr(cfg.net_forwards->pdata[0], ==, "tcp:127.0.0.1:2222-:22");
    g_assert_cmpstr(cfg.net_forwards->pdata[1], ==, "udp::5353-:53");
    g_assert_true(vr_parse_net_option(&cfg, "none", &error));
    g_assert_false(cfg.net);
    const char *bad[] = {"",
                         "tap",
                         "user,restrict=maybe",
                         "user,hostfwd=tcp:2222-22",
                         "user,mac=01:00:5e:00:00:01",
                         "user,mac=52:54:00",
                         "user,,",
                         "user,vlan=1"};
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(vr_parse_net_option(&cfg, bad[i], &error));
        g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET);
        g_assert_cmpstr(vr_config_error_get_field(error), ==, "net");
        g_clear_error(&error);
    }
    vr_machine_config_clear(&cfg);
}

static void test_ini(void)
{
    g_autofree char *dir = g_dir_make_tmp("vireo-net-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "machine.ini", NULL);
    VrMachineConfig cfg;
    vr_machine_config_init(&cfg);
    cfg.net = true;
    cfg.net_restricted = true;
    cfg.net_mac = g_strdup("52:54:00:12:34:56");
    g_ptr_array_add(cfg.net_forwards, g_strdup("tcp:127.0.0.1:2222-:22"));
    g_ptr_array_add(cfg.net_forwards, g_strdup("udp::5353-:53"));
    g_autoptr(GError) error = NULL;
    g_assert_true(vr_machine_config_save_file(&cfg, path, &error));
    g_assert_no_error(error);
    g_autofree char *text = NULL;
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull(strstr(text, "[net]"));
    g_assert_nonnull(strstr(text, "mac=52:54:00:12:34:56"));

    VrMachineConfig back;
    vr_machine_config_init(&back);
    g_assert_true(vr_machine_config_load_file(&back, path, &error));
    g_assert_no_error(error);
    g_assert_true(back.net);
    g_assert_true(back.net_restricted);
    g_assert_cmpstr(back.net_mac, ==, "52:54:00:12:34:56");
    g_assert_cmpuint(back.net_forwards->len, ==, 2);
    g_assert_cmpstr(back.net_forwards->pdata[0], ==, "tcp:127.0.0.1:2222-:22");
    g_assert_cmpstr(back.net_forwards->pdata[1], ==, "udp::5353-:53");
    VrMachineConfig copy;
    vr_machine_config_copy(&copy, &back);
    g_assert_cmpstr(copy.net_mac, ==, "52:54:00:12:34:56");
    g_assert_cmpuint(copy.net_forwards->len, ==, 2);
    vr_machine_config_clear(&copy);
    vr_machine_config_clear(&back);

    /* A machine without a network writes no [net]. */
    VrMachineConfig plain;
    vr_machine_config_init(&plain);
    g_assert_true(vr_machine_config_save_file(&plain, path, &error));
    g_clear_pointer(&text, g_free);
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_null(strstr(text, "[net]"));
    vr_machine_config_clear(&plain);

    /* Bad values are refused, naming the group and key. */
    static const char *const bad[][2] = {
        {"[net]\nmac=52:54:00:12:34\n", "[net] mac"},
        {"[net]\nforwards=tcp:22-22\n", "[net] forwards"},
        {"[net]\nenabled=perhaps\n", "enabled"},
        {"[net]\nspeed=1000\n", "speed"},
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *p = test_write_ini(dir, bad[i][0]);
        VrMachineConfig c;
        vr_machine_config_init(&c);
        g_assert_false(vr_machine_config_load_file(&c, p, &error));
        g_assert_nonnull(error);
        if (!strstr(error->message, bad[i][1]))
            g_error("'%s' does not name %s", error->message, bad[i][1]);
        g_clear_error(&error);
        vr_machine_config_clear(&c);
    }
    /* [net] with enabled=false keeps the address for later. */
    g_autofree char *p = test_write_ini(dir, "[net]\nenabled=false\nmac=52:54:00:00:00:01\n");
    VrMachineConfig off;
    vr_machine_config_init(&off);
    g_assert_true(vr_machine_config_load_file(&off, p, &error));
    g_assert_false(off.net);
    g_assert_cmpstr(off.net_mac, ==, "52:54:00:00:00:01");
    vr_machine_config_clear(&off);

    cfg.net_mac[0] = '5';
    cfg.net_mac[1] = '3'; /* 53: multicast */
    g_assert_false(vr_machine_config_validate(&cfg, &error));
    g_assert_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_NET);
    vr_machine_config_clear(&cfg);
    g_unlink(path);
    g_rmdir(dir);
}

static uint32_t mmio_read(VrMachine *m, uint64_t offset, unsigned size)
{
    return test_mmio_read(m, NET_BASE, offset, size);
}

static uint16_t listen_port(int *fd)
{
    *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    g_assert_cmpint(bind(*fd, (struct sockaddr *) &sa, sizeof(sa)), ==, 0);
    g_assert_cmpint(listen(*fd, 1), ==, 0);
    socklen_t sl = sizeof(sa);
    getsockname(*fd, (struct sockaddr *) &sa, &sl);
    return ntohs(sa.sin_port);
}

static void machine_config(VrMachineConfig *cfg, const char *kernel)
{
    vr_machine_config_init(cfg);
    cfg->memory = 64ull << 20;
    cfg->bios = g_strdup("none");
    cfg->kernel = g_strdup(kernel);
    cfg->net = true;
    cfg->net_mac = g_strdup("52:54:00:de:ad:01");
}

static void test_board(void)
{
    g_autofree char *elf = test_spin_elf();
    VrMachineConfig cfg;
    machine_config(&cfg, elf);
    g_autoptr(GError) error = NULL;
    VrMachine *m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_true(vr_machine_has_net(m));
    g_assert_cmphex(mmio_read(m, VR_VIRTIO_MMIO_MAGIC_VALUE, 4), ==, VR_VIRTIO_MMIO_MAGIC);
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_DEVICE_ID, 4), ==, VR_VIRTIO_ID_NET);
    static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xde, 0xad, 0x01};
    for (unsigned i = 0; i < 6; i++)
        g_assert_cmphex(mmio_read(m, VR_VIRTIO_MMIO_CONFIG + i, 1), ==, mac[i]);
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_CONFIG + 6, 2), ==, VR_VIRTIO_NET_S_LINK_UP);
    g_assert_true(vr_machine_net_set_link(m, false));
    g_assert_cmpuint(mmio_read(m, VR_VIRTIO_MMIO_CONFIG + 6, 2), ==, 0);

    /* Forwards at run time; a taken host port is refused with the reason. */
    int busy;
    uint16_t taken = listen_port(&busy);
    g_autofree char *fwd = g_strdup_printf("tcp:127.0.0.1:%u-:22", taken);
    g_assert_false(vr_machine_net_add_forward(m, fwd, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_clear_error(&error);
    close(busy);
    g_assert_true(vr_machine_net_add_forward(m, fwd, &error));
    g_assert_no_error(error);
    g_assert_true(vr_machine_net_remove_forward(m, fwd, &error));
    g_assert_false(vr_machine_net_add_forward(m, "tcp:nonsense", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error(&error);
    vr_machine_free(m);

    /* A forward in the settings whose port is taken: the machine is not built. */
    uint16_t port = listen_port(&busy);
    g_autofree char *taken_fwd = g_strdup_printf("tcp::%u-:80", port);
    g_ptr_array_add(cfg.net_forwards, g_strdup(taken_fwd));
    g_assert_null(vr_machine_new(&cfg, &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
    g_clear_error(&error);
    close(busy);
    vr_machine_config_clear(&cfg);

    /* Without a network the slot is empty. */
    machine_config(&cfg, elf);
    cfg.net = false;
    m = vr_machine_new(&cfg, &error);
    g_assert_no_error(error);
    g_assert_false(vr_machine_has_net(m));
    g_assert_false(vr_machine_net_set_link(m, true));
    g_assert_false(vr_machine_net_add_forward(m, "tcp::2222-:22", &error));
    g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
    vr_machine_free(m);
    vr_machine_config_clear(&cfg);
    g_unlink(elf);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/net-config/option", test_option);
    g_test_add_func("/net-config/ini", test_ini);
    g_test_add_func("/net-config/board", test_board);
    return g_test_run();
}

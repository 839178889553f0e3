/* UI tests of a machine's network: the settings' Network page writes the network, restricted
 * mode, a new MAC address and port forwards to machine.ini, and refuses a duplicate forward, a
 * port that is not a number and a host port something else holds (with the reason shown).
 * With the Linux test guest (tests/guests/, when built): the machine page shows the address
 * the guest got by DHCP, the cable switch takes the guest's link down and up, and a forward
 * added in the settings while it runs reaches a web server in the guest until it is
 * removed. */
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "ui-test.h"

#define BOOT_TIMEOUT_MS (240 * 1000)

static char *kernel, *initrd;
static VireoMachineSettings *settings;

static GtkWidget *S(const char *id)
{
    GtkWidget *w = ui_find(GTK_WIDGET(settings), id);
    if (!w)
        g_error("no widget '%s' in the settings", id);
    return w;
}

/* A widget the settings made in code, by its widget name. */
static GtkWidget *named(GtkWidget *root, const char *name)
{
    if (g_strcmp0(gtk_widget_get_name(root), name) == 0)
        return root;
    for (GtkWidget *c = gtk_widget_get_first_child(root); c; c = gtk_widget_get_next_sibling(c)) {
        GtkWidget *found = named(c, name);
        if (found)
            return found;
    }
    return NULL;
}

static VireoMachineSettings *open_network_page(VireoMachine *m)
{
    settings = vireo_window_open_settings(ui_window(), m);
    adw_preferences_window_set_visible_page(ADW_PREFERENCES_WINDOW(settings),
                                            ADW_PREFERENCES_PAGE(S("network_page")));
    UI_WAIT_FOR(gtk_widget_get_mapped(S("net_switch")), 5000, "the Network page");
    return settings;
}

static void close_settings(void)
{
    gtk_window_destroy(GTK_WINDOW(settings));
    settings = NULL;
    ui_iterate(50);
}

static const char *error_text(const char *id)
{
    GtkWidget *label = S(id);
    return gtk_widget_get_visible(label) ? gtk_label_get_text(GTK_LABEL(label)) : NULL;
}

static char **ini_forwards(const char *machine)
{
    g_autoptr(GKeyFile) kf = ui_read_ini(machine);
    char **list = g_key_file_get_string_list(kf, "net", "forwards", NULL, NULL);
    return list ? list : g_new0(char *, 1);
}

static guint n_ini_forwards(const char *machine)
{
    g_auto(GStrv) list = ini_forwards(machine);
    return g_strv_length(list);
}

/* A TCP port of 127.0.0.1 nothing listens on now. */
static guint16 free_port(void)
{
    g_autoptr(GSocket) s =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
    g_assert_true(g_socket_bind(s, any, FALSE, NULL));
    g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
    return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

/* Types a forward into the add rows and presses Add Forward, as the user does. */
static void add_forward(guint host_port, const char *guest_port)
{
    g_autofree char *port = g_strdup_printf("%u", host_port);
    adw_combo_row_set_selected(ADW_COMBO_ROW(S("protocol_row")), 0);
    gtk_editable_set_text(GTK_EDITABLE(S("host_address_row")), "127.0.0.1");
    gtk_editable_set_text(GTK_EDITABLE(S("host_port_row")), port);
    gtk_editable_set_text(GTK_EDITABLE(S("guest_port_row")), guest_port);
    ui_click(S("add_forward_button"));
    ui_iterate(50);
}

static void test_settings(void)
{
    const char *k = ui_guest("echo.elf") ? ui_guest("echo.elf") : "/bin/sh";
    g_autofree char *folder = ui_make_machine("Wired", k, "none", 64ull << 20);
    UI_WAIT_FOR(ui_row_for("Wired"), 5000, "the machine in the library");
    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Wired"));
    open_network_page(m);
    /* Made without a network: the switch is off, restricted mode and the address wait for it. */
    g_assert_false(gtk_switch_get_active(GTK_SWITCH(S("net_switch"))));
    g_assert_false(gtk_widget_is_sensitive(S("restricted_switch")));
    g_assert_false(gtk_widget_get_visible(S("net_running_group")));

    gtk_switch_set_active(GTK_SWITCH(S("net_switch")), TRUE);
    ui_iterate(50);
    g_autoptr(GKeyFile) kf = ui_read_ini("Wired");
    g_assert_true(g_key_file_get_boolean(kf, "net", "enabled", NULL));
    g_assert_false(g_key_file_get_boolean(kf, "net", "restricted", NULL));
    g_autofree char *mac = g_key_file_get_string(kf, "net", "mac", NULL);
    g_assert_nonnull(mac);
    g_assert_true(g_regex_match_simple("^52:54:00(:[0-9a-f]{2}){3}$", mac, 0, 0));
    g_assert_cmpstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(S("mac_row"))), ==, mac);
    g_assert_true(gtk_widget_is_sensitive(S("restricted_switch")));

    gtk_switch_set_active(GTK_SWITCH(S("restricted_switch")), TRUE);
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Wired");
    g_assert_true(g_key_file_get_boolean(kf, "net", "restricted", NULL));

    /* A new address, kept in machine.ini. */
    ui_click(S("new_mac_button"));
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Wired");
    g_autofree char *mac2 = g_key_file_get_string(kf, "net", "mac", NULL);
    g_assert_nonnull(mac2);
    g_assert_cmpstr(mac2, !=, mac);
    g_assert_cmpstr(adw_action_row_get_subtitle(ADW_ACTION_ROW(S("mac_row"))), ==, mac2);

    /* Forwards: one added, shown and saved. */
    guint16 port = free_port();
    add_forward(port, "8080");
    g_assert_null(error_text("forwards_error"));
    g_auto(GStrv) forwards = ini_forwards("Wired");
    g_assert_cmpuint(g_strv_length(forwards), ==, 1);
    g_autofree char *want = g_strdup_printf("tcp:127.0.0.1:%u-:8080", port);
    g_assert_cmpstr(forwards[0], ==, want);
    g_assert_nonnull(named(S("forward_list"), "forward-remove-0"));
    g_autofree char *title = g_strdup_printf("127.0.0.1:%u → guest port 8080", port);
    g_assert_nonnull(ui_find_label(S("forward_list"), title));

    /* The same host port again: refused, with the reason. */
    add_forward(port, "9090");
    g_assert_nonnull(error_text("forwards_error"));
    g_autofree char *dup = g_strdup_printf("TCP port %u of the host is already forwarded", port);
    g_assert_nonnull(strstr(error_text("forwards_error"), dup));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 1);

    /* A port that is not a number. */
    gtk_editable_set_text(GTK_EDITABLE(S("host_port_row")), "http");
    gtk_editable_set_text(GTK_EDITABLE(S("guest_port_row")), "80");
    ui_click(S("add_forward_button"));
    ui_iterate(50);
    g_assert_nonnull(strstr(error_text("forwards_error"), "The host port must be a number"));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 1);

    /* A host address that is not one. */
    gtk_editable_set_text(GTK_EDITABLE(S("host_address_row")), "localhost");
    gtk_editable_set_text(GTK_EDITABLE(S("host_port_row")), "2222");
    ui_click(S("add_forward_button"));
    ui_iterate(50);
    g_assert_nonnull(strstr(error_text("forwards_error"), "“localhost” is not an IPv4 address"));
    g_assert_true(gtk_widget_has_css_class(S("host_address_row"), "error"));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 1);

    /* A host port this test holds: refused, with the reason. */
    g_autoptr(GSocketListener) held = g_socket_listener_new();
    g_autoptr(GError) error = NULL;
    guint16 held_port = 0;
    {
        g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
        g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
        g_autoptr(GSocketAddress) effective = NULL;
        g_assert_true(g_socket_listener_add_address(
            held, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error));
        g_assert_no_error(error);
        held_port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(effective));
    }
    add_forward(held_port, "22");
    g_assert_nonnull(error_text("forwards_error"));
    g_autofree char *taken = g_strdup_printf("cannot forward TCP port %u on 127.0.0.1: the port is "
                                             "already in use",
                                             held_port);
    g_assert_nonnull(strstr(error_text("forwards_error"), taken));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 1);
    ui_screenshot(GTK_WIDGET(settings), "network-settings-refused");
    g_socket_listener_close(held);

    /* Once let go, the port is taken; then the first forward is removed. */
    add_forward(held_port, "22");
    g_assert_null(error_text("forwards_error"));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 2);
    ui_screenshot(GTK_WIDGET(settings), "network-settings");
    ui_click(named(S("forward_list"), "forward-remove-0"));
    UI_WAIT_FOR(n_ini_forwards("Wired") == 1, 5000, "the forward to be removed");
    g_clear_pointer(&forwards, g_strfreev);
    forwards = ini_forwards("Wired");
    g_autofree char *left = g_strdup_printf("tcp:127.0.0.1:%u-:22", held_port);
    g_assert_cmpstr(forwards[0], ==, left);
    UI_WAIT_FOR(!named(S("forward_list"), "forward-remove-1"), 5000, "the list to be made again");

    /* The network off again: the forwards stay for when it is back. */
    gtk_switch_set_active(GTK_SWITCH(S("net_switch")), FALSE);
    ui_iterate(50);
    g_clear_pointer(&kf, g_key_file_unref);
    kf = ui_read_ini("Wired");
    g_assert_false(g_key_file_get_boolean(kf, "net", "enabled", NULL));
    g_assert_cmpuint(n_ini_forwards("Wired"), ==, 1);
    g_assert_false(gtk_widget_is_sensitive(S("restricted_switch")));
    close_settings();
}

/* What a GET of / on 127.0.0.1:port answers (the whole reply), or NULL with error. */
static char *http_get(guint16 port, GError **error)
{
    g_autoptr(GSocketClient) client = g_socket_client_new();
    g_socket_client_set_timeout(client, 10);
    g_autoptr(GSocketConnection) conn =
        g_socket_client_connect_to_host(client, "127.0.0.1", port, NULL, error);
    if (!conn)
        return NULL;
    const char request[] = "GET / HTTP/1.0\r\nHost: guest\r\n\r\n";
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    if (!g_output_stream_write_all(out, request, sizeof(request) - 1, NULL, NULL, error))
        return NULL;
    GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
    g_autoptr(GString) reply = g_string_new(NULL);
    char buf[4096];
    gssize n;
    while ((n = g_input_stream_read(in, buf, sizeof(buf), NULL, error)) > 0)
        g_string_append_len(reply, buf, n);
    if (n < 0)
        return NULL;
    if (reply->len == 0) {
        g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                            "the connection closed without a reply");
        return NULL;
    }
    return g_string_free(g_steal_pointer(&reply), FALSE);
}

/* A command that waits (10 s at most) for the guest's link to be up (1) or down (0), then prints
 * "carrier=" and what it is. */
static char *carrier_command(int want)
{
    return g_strdup_printf("for i in $(seq 100); do [ $(cat /sys/class/net/eth0/carrier) = %d ] "
                           "&& break; sleep 0.1; done; echo carrier=$(cat "
                           "/sys/class/net/eth0/carrier)\n",
                           want);
}

static const char *address_text(void)
{
    return gtk_label_get_text(GTK_LABEL(ui_page_widget("net_address_label")));
}

static void test_guest(void)
{
    if (!kernel || !initrd) {
        g_test_skip("the Linux test guest is not built (run tests/guests/build-all.sh linux "
                    "initramfs)");
        return;
    }
    /* As a user makes it: `vireo create` gives it the network. */
    const char *argv[] = {g_getenv("VIREO"),
                          "create",
                          "--name",
                          "Online",
                          "--kernel",
                          kernel,
                          "--initrd",
                          initrd,
                          "--append",
                          "console=ttyS0 earlycon=sbi",
                          "--memory",
                          "256M",
                          NULL};
    int status = 0;
    g_assert_true(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, NULL));
    g_assert_true(g_spawn_check_wait_status(status, NULL));
    UI_WAIT_FOR(ui_row_for("Online"), 5000, "the machine in the library");
    g_autoptr(GKeyFile) kf = ui_read_ini("Online");
    g_assert_true(g_key_file_get_boolean(kf, "net", "enabled", NULL));
    g_autofree char *mac = g_key_file_get_string(kf, "net", "mac", NULL);
    g_assert_nonnull(mac);

    VireoMachine *m = vireo_machine_row_get_machine(ui_row_for("Online"));
    ui_log_use(m);
    vireo_window_open_machine(ui_window(), m);
    GtkWidget *bar = ui_page_widget("net_bar");
    g_assert_false(gtk_widget_get_visible(bar));
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    ui_log_wait("vireo-initramfs: ready", BOOT_TIMEOUT_MS);
    UI_WAIT_FOR(gtk_widget_get_visible(bar), 5000, "the network bar");
    g_assert_null(vireo_machine_get_guest_address(m));
    g_assert_nonnull(strstr(address_text(), "Waiting for the guest to ask for an address"));
    GtkWidget *cable = ui_page_widget("net_cable_switch");
    g_assert_true(gtk_switch_get_active(GTK_SWITCH(cable)));

    /* The card has the address machine.ini gave it; DHCP gives the guest its address. */
    ui_log_wait("shell on the console", 60000);
    ui_log_type("cat /sys/class/net/eth0/address | sed 's/^/mac=/'\n");
    g_autofree char *mac_line = g_strdup_printf("mac=%s", mac);
    ui_log_wait(mac_line, 30000);
    ui_log_type("udhcpc -i eth0 -q -n -t 10\n");
    ui_log_wait("udhcpc: eth0 has 10.0.2.15", 60000);
    UI_WAIT_FOR(g_strcmp0(vireo_machine_get_guest_address(m), "10.0.2.15") == 0, 10000,
                "the guest's address");
    UI_WAIT_FOR(strstr(address_text(), "10.0.2.15") != NULL, 5000, "the address on the page");
    ui_screenshot(GTK_WIDGET(ui_window()), "network-page-address");

    /* The cable out and in: the guest's link follows. */
    gtk_switch_set_active(GTK_SWITCH(cable), FALSE);
    ui_iterate(50);
    g_assert_false(vireo_machine_get_net_link(m));
    g_assert_nonnull(strstr(address_text(), "unplugged"));
    g_autofree char *wait_down = carrier_command(0);
    ui_log_type(wait_down);
    ui_log_wait("carrier=0", 30000);
    ui_screenshot(GTK_WIDGET(ui_window()), "network-page-unplugged");
    gtk_switch_set_active(GTK_SWITCH(cable), TRUE);
    ui_iterate(50);
    g_assert_true(vireo_machine_get_net_link(m));
    g_autofree char *wait_up = carrier_command(1);
    ui_log_type(wait_up);
    ui_log_wait("carrier=1", 30000);

    /* A web server in the guest, reached through a forward added while it runs. */
    ui_log_type("mkdir -p /www && echo served-by-''the-guest > /www/index.html && "
                "httpd -p 8080 -h /www && echo httpd-''up\n");
    ui_log_wait("httpd-up", 30000);
    guint16 port = free_port();
    open_network_page(m);
    g_assert_true(gtk_widget_get_visible(S("net_running_group")));
    g_assert_false(gtk_widget_is_sensitive(S("new_mac_button")));
    add_forward(port, "8080");
    g_assert_null(error_text("forwards_error"));
    g_assert_cmpuint(n_ini_forwards("Online"), ==, 1);
    ui_screenshot(GTK_WIDGET(settings), "network-settings-running");
    g_autoptr(GError) error = NULL;
    g_autofree char *reply = http_get(port, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(reply, "served-by-the-guest"));

    /* Removed: the host port is closed. */
    ui_click(named(S("forward_list"), "forward-remove-0"));
    UI_WAIT_FOR(n_ini_forwards("Online") == 0, 5000, "the forward to be removed");
    g_autofree char *gone = http_get(port, &error);
    g_assert_null(gone);
    g_assert_nonnull(error);
    g_test_message("after the removal: %s", error->message);
    close_settings();

    /* Its state saved with the cable out: it resumes with the cable in, as every start has. */
    gtk_switch_set_active(GTK_SWITCH(cable), FALSE);
    ui_iterate(50);
    g_autofree char *wait_down2 = carrier_command(0);
    ui_log_type(wait_down2);
    ui_log_wait("carrier=0", 30000);
    g_assert_true(vireo_machine_save_state_and_quit(m));
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 60000, "the state to be saved");
    g_assert_true(vireo_machine_has_saved_state(m));
    g_assert_null(vireo_machine_get_guest_address(m));
    g_assert_true(vireo_machine_get_net_link(m));
    g_assert_false(gtk_widget_get_visible(bar));
    gtk_widget_activate_action(GTK_WIDGET(ui_page()), "machine.start", NULL);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_RUNNING, 60000, "the resume");
    UI_WAIT_FOR(gtk_widget_get_visible(bar), 5000, "the network bar after the resume");
    g_assert_true(gtk_switch_get_active(GTK_SWITCH(cable)));
    g_autofree char *wait_up2 = carrier_command(1);
    ui_log_type(wait_up2);
    ui_log_wait("carrier=1", 30000);

    /* Off: no address, the bar goes. */
    vireo_machine_force_off(m);
    UI_WAIT_FOR(vireo_machine_get_state(m) == VIREO_MACHINE_OFF, 30000, "the machine to stop");
    g_assert_null(vireo_machine_get_guest_address(m));
    g_assert_true(vireo_machine_get_net_link(m));
    g_assert_false(gtk_widget_get_visible(bar));
    vireo_window_show_library(ui_window());
}

int main(int argc, char **argv)
{
    kernel = ui_guest_artifact("linux");
    initrd = ui_guest_artifact("initramfs");
    ui_test_init(&argc, &argv);
    g_test_add_func("/ui/network/settings", test_settings);
    g_test_add_func("/ui/network/guest", test_guest);
    int status = g_test_run();
    ui_test_finish();
    return status;
}

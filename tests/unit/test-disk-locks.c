/* Disk image locks against QEMU: an image that a real qemu-system-riscv64 holds read-write is
 * refused by Vireo read-only too, and QEMU refuses to write an image Vireo reads
 * (devices/virtio/virtio-blk.c follows QEMU's lock bytes). Skipped without QEMU. */
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "virtio/virtio-blk.h"
#include "virtio/virtio.h"

static char *tmpdir;

static char *make_image(const char *name)
{
    char *path = g_build_filename(tmpdir, name, NULL);
    g_autofree char *zeros = g_malloc0(1 << 20);
    g_assert_true(g_file_set_contents(path, zeros, 1 << 20, NULL));
    return path;
}

static GPid start_qemu(const char *qemu, const char *image, bool readonly, int *stderr_fd)
{
    g_autofree char *drive = g_strdup_printf("file=%s,format=raw,if=none,id=d0%s", image,
                                             readonly ? ",readonly=on" : "");
    const char *argv[] = {qemu,   "-S",     "-display", "none",    "-nographic",
                          "-M",   "virt",   "-monitor", "none",    "-serial",
                          "none", "-drive", drive,      "-device", "virtio-blk-device,drive=d0",
                          NULL};
    GPid pid;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async_with_pipes(NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, NULL, stderr_fd, &error));
    return pid;
}

static void stop_qemu(GPid pid)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
}

/* Whether some process holds a lock on byte off of path. */
static bool byte_locked(const char *path, off_t off)
{
    int fd = open(path, O_RDONLY);
    g_assert_cmpint(fd, >=, 0);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = off, .l_len = 1};
    g_assert_cmpint(fcntl(fd, F_OFD_GETLK, &fl), ==, 0);
    close(fd);
    return fl.l_type != F_UNLCK;
}

static void test_qemu_writes(void)
{
    const char *qemu = g_getenv("VIREO_QEMU");
    if (!qemu || !*qemu) {
        g_test_skip("qemu-system-riscv64 is not installed");
        return;
    }
    g_autofree char *image = make_image("qemu-rw.img");
    int err_fd = -1;
    GPid pid = start_qemu(qemu, image, false, &err_fd);
    /* Wait for QEMU to open the image and take its "write" lock (byte 101). */
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (!byte_locked(image, 101) && g_get_monotonic_time() < end)
        g_usleep(20000);
    g_assert_true(byte_locked(image, 101));

    g_autoptr(GError) ro = NULL, rw = NULL;
    g_assert_null(vr_virtio_blk_new(image, true, &ro));
    g_assert_error(ro, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_assert_nonnull(strstr(ro->message, image));
    g_assert_null(vr_virtio_blk_new(image, false, &rw));
    g_assert_error(rw, G_IO_ERROR, G_IO_ERROR_BUSY);
    stop_qemu(pid);
    close(err_fd);

    /* QEMU gone: Vireo may read it. */
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(image, true, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(dev);
    g_unlink(image);
}

static void test_vireo_reads(void)
{
    const char *qemu = g_getenv("VIREO_QEMU");
    if (!qemu || !*qemu) {
        g_test_skip("qemu-system-riscv64 is not installed");
        return;
    }
    g_autofree char *image = make_image("vireo-ro.img");
    g_autoptr(GError) error = NULL;
    VrVirtioDevice *dev = vr_virtio_blk_new(image, true, &error);
    g_assert_no_error(error);

    /* QEMU refuses to write it, and says why. */
    int err_fd = -1;
    GPid pid = start_qemu(qemu, image, false, &err_fd);
    int status = 0;
    gint64 end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    pid_t done = 0;
    while ((done = waitpid(pid, &status, WNOHANG)) == 0 && g_get_monotonic_time() < end)
        g_usleep(20000);
    if (done == 0)
        stop_qemu(pid);
    g_assert_cmpint(done, ==, pid);
    g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    char buf[4096] = {0};
    g_assert_cmpint(read(err_fd, buf, sizeof(buf) - 1), >, 0);
    g_test_message("qemu: %s", buf);
    g_assert_nonnull(strstr(buf, "lock"));
    close(err_fd);
    g_spawn_close_pid(pid);

    /* A reading QEMU and a reading Vireo share it. */
    pid = start_qemu(qemu, image, true, &err_fd);
    end = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    while (!byte_locked(image, 100) && g_get_monotonic_time() < end)
        g_usleep(20000);
    g_usleep(200000);
    g_assert_cmpint(waitpid(pid, &status, WNOHANG), ==, 0);
    VrVirtioDevice *second = vr_virtio_blk_new(image, true, &error);
    g_assert_no_error(error);
    vr_virtio_device_free(second);
    stop_qemu(pid);
    close(err_fd);
    vr_virtio_device_free(dev);
    g_unlink(image);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    tmpdir = g_dir_make_tmp("vireo-locks-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    g_test_add_func("/disk-locks/qemu-writes", test_qemu_writes);
    g_test_add_func("/disk-locks/vireo-reads", test_vireo_reads);
    int rc = g_test_run();
    g_rmdir(tmpdir);
    g_free(tmpdir);
    return rc;
}

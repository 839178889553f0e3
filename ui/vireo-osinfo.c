/* OS detection of install images with libosinfo. */
#include <fcntl.h>
#include <osinfo/osinfo.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vireo-config.h"
#include <glib/gi18n-lib.h>

#include "vireo-osinfo.h"
#include "vr-input-file.h"

/* libosinfo's objects are not meant for concurrent use: one detection at a time. */
static GMutex db_lock;
static OsinfoDb *db;

static OsinfoDb *get_db(void)
{
    if (!db) {
        g_autoptr(OsinfoLoader) loader = osinfo_loader_new();
        g_autoptr(GError) error = NULL;
        osinfo_loader_process_default_path(loader, &error);
        if (error)
            g_message("libosinfo's database loaded with problems: %s", error->message);
        db = g_object_ref(osinfo_loader_get_db(loader));
    }
    return db;
}

/* The first resources entry for arch, else for "all". */
static OsinfoResources *pick_resources(OsinfoResourcesList *list, const char *arch)
{
    if (!list)
        return NULL;
    OsinfoResources *any = NULL;
    int n = osinfo_list_get_length(OSINFO_LIST(list));
    for (int i = 0; i < n; i++) {
        OsinfoResources *r = OSINFO_RESOURCES(osinfo_list_get_nth(OSINFO_LIST(list), i));
        const char *a = osinfo_resources_get_architecture(r);
        if (arch && g_strcmp0(a, arch) == 0)
            return r;
        if (!any && g_strcmp0(a, OSINFO_ARCHITECTURE_ALL) == 0)
            any = r;
    }
    return any;
}

static void take_resources(VireoOsInfo *info, OsinfoResourcesList *list)
{
    OsinfoResources *r = pick_resources(list, info->arch);
    if (!r)
        return;
    gint cpus = osinfo_resources_get_n_cpus(r);
    gint64 ram = osinfo_resources_get_ram(r);
    gint64 storage = osinfo_resources_get_storage(r);
    if (!info->cpus && cpus > 0)
        info->cpus = (unsigned) cpus;
    if (!info->memory && ram > 0)
        info->memory = (uint64_t) ram;
    if (!info->storage && storage > 0)
        info->storage = (uint64_t) storage;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t) p[3] << 24);
}

/* Opens the image as Vireo opens every disk and ISO (engine/vr-input-file.c: a regular file
 * or a block device, never blocking on a FIFO), and checks the parts of an ISO 9660 image
 * libosinfo reads: it trusts them (an empty root directory record makes libosinfo 1.10 read
 * into a NULL buffer), and the image may be damaged or hostile. Returns the open descriptor,
 * or -1 with an error. */
static int open_iso(const char *path, GError **error)
{
    g_autofree char *base = g_path_get_basename(path);
    struct stat st;
    int fd = vr_open_input_file(path, VR_INPUT_DISK, O_RDONLY, &st, error);
    if (fd < 0)
        return -1;
    /* A block device (a CD drive) has no st_size: its end says how long it is. */
    off_t end = lseek(fd, 0, SEEK_END);
    uint64_t size = end > 0 ? (uint64_t) end : (uint64_t) st.st_size;
    uint8_t pvd[2048];
    bool read_ok =
        size >= 0x8000 + sizeof(pvd) && pread(fd, pvd, sizeof(pvd), 0x8000) == sizeof(pvd);
    const char *why = NULL;
    if (!read_ok || pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0) {
        /* Translators: completes "%s is not an install image that can be read: %s". */
        why = N_("it has no ISO 9660 volume descriptor");
    } else {
        unsigned block = pvd[128] | (pvd[129] << 8);
        const uint8_t *root = pvd + 156;
        uint64_t extent = (uint64_t) le32(root + 2) * block, length = le32(root + 10);
        if (block != 512 && block != 1024 && block != 2048)
            why = N_("its logical block size is not 512, 1024 or 2048");
        else if (root[0] < 34 || length == 0 || length > (64u << 20) || extent + length > size)
            why = N_("its root directory record is damaged or lies outside the file");
    }
    if (why) {
        close(fd);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    /* Translators: the first %s is the image's file name, the second why. */
                    _("%s is not an install image that can be read: %s"), base, _(why));
        return -1;
    }
    return fd;
}

bool vireo_osinfo_detect(const char *path, VireoOsInfo *info, GError **error)
{
    memset(info, 0, sizeof(*info));
    int fd = open_iso(path, error);
    if (fd < 0)
        return false;
    /* libosinfo opens what it is given by name: the file checked above, through its open
     * descriptor, so a file put in its place meanwhile is not what it reads. */
    g_autofree char *location = g_strdup_printf("/proc/self/fd/%d", fd);
    if (!g_file_test(location, G_FILE_TEST_EXISTS)) {
        g_free(location);
        location = g_strdup(path);
    }
    g_autoptr(GError) local = NULL;
    /* Not only bootable images: a live or data image still says what it holds. */
    g_autoptr(OsinfoMedia) media =
        osinfo_media_create_from_location_with_flags(location, NULL, 0, &local);
    close(fd);
    if (!media) {
        g_autofree char *base = g_path_get_basename(path);
        g_set_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                    _("%s is not an install image that can be read: %s"), base,
                    local ? local->message : _("unknown reason"));
        return false;
    }
    info->volume_id = g_strdup(osinfo_media_get_volume_id(media));

    g_mutex_lock(&db_lock);
    OsinfoDb *d = get_db();
    if (osinfo_db_identify_media(d, media)) {
        OsinfoOs *os = osinfo_media_get_os(media);
        info->identified = os != NULL;
        info->arch = g_strdup(osinfo_media_get_architecture(media));
        if (os) {
            info->name = g_strdup(osinfo_product_get_name(OSINFO_PRODUCT(os)));
            info->short_id = g_strdup(osinfo_product_get_short_id(OSINFO_PRODUCT(os)));
            g_autoptr(OsinfoResourcesList) rec = osinfo_os_get_recommended_resources(os);
            g_autoptr(OsinfoResourcesList) min = osinfo_os_get_minimum_resources(os);
            take_resources(info, rec);
            take_resources(info, min);
            g_object_unref(os);
        }
    }
    g_mutex_unlock(&db_lock);
    return true;
}

void vireo_osinfo_clear(VireoOsInfo *info)
{
    g_clear_pointer(&info->name, g_free);
    g_clear_pointer(&info->short_id, g_free);
    g_clear_pointer(&info->arch, g_free);
    g_clear_pointer(&info->volume_id, g_free);
}

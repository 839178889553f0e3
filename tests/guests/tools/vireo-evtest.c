/* vireo-evtest: prints the events of one input device, for host tests that type, click and
 * move the gamepad and check what the guest's kernel reports.
 *
 *   vireo-evtest NAME [COUNT]
 *
 * Opens the /dev/input/event* whose name (EVIOCGNAME) is NAME, prints "evtest: ready NAME
 * eventN", then one line per event other than EV_SYN, "evtest: TYPE CODE VALUE" in decimal,
 * and exits after COUNT of them (default: never). Exit status 1 when no device has the name.
 * Built static for riscv64 by tests/guests/build-initramfs.sh.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: vireo-evtest NAME [COUNT]\n");
        return 2;
    }
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : -1;
    DIR *dir = opendir("/dev/input");
    if (!dir) {
        perror("/dev/input");
        return 1;
    }
    int fd = -1;
    char path[300] = "";
    struct dirent *e;
    while (fd < 0 && (e = readdir(dir))) {
        if (strncmp(e->d_name, "event", 5) != 0)
            continue;
        snprintf(path, sizeof(path), "/dev/input/%s", e->d_name);
        int f = open(path, O_RDONLY | O_CLOEXEC);
        if (f < 0)
            continue;
        char name[256] = "";
        if (ioctl(f, EVIOCGNAME(sizeof(name) - 1), name) >= 0 && strcmp(name, argv[1]) == 0)
            fd = f;
        else
            close(f);
    }
    closedir(dir);
    if (fd < 0) {
        printf("evtest: error no device named %s\n", argv[1]);
        return 1;
    }
    printf("evtest: ready %s %s\n", argv[1], path + strlen("/dev/input/"));
    fflush(stdout);
    struct input_event ev;
    while (count != 0 && read(fd, &ev, sizeof(ev)) == (ssize_t) sizeof(ev)) {
        if (ev.type == EV_SYN)
            continue;
        printf("evtest: %u %u %d\n", ev.type, ev.code, ev.value);
        fflush(stdout);
        if (count > 0)
            count--;
    }
    return 0;
}

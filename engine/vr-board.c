/* The board registry: every board Vireo builds, by name and by architecture. */
#include <string.h>

#include "vr-board.h"
#include "vr-i18n.h"
#include "vr-machine-config.h"

/* Each board's file in engine/boards/ defines its VrBoardInfo. */
extern const VrBoardInfo vr_board_riscv64_virt;

/* The first board of an architecture is its default. */
static const VrBoardInfo *const boards[] = {
    &vr_board_riscv64_virt,
    NULL,
};

const VrBoardInfo *const *vr_board_list(void)
{
    return boards;
}

const VrBoardInfo *vr_board_find(const char *name)
{
    for (unsigned i = 0; name && boards[i]; i++)
        if (strcmp(boards[i]->name, name) == 0)
            return boards[i];
    return NULL;
}

const VrBoardInfo *vr_board_default_for_arch(const char *arch)
{
    for (unsigned i = 0; arch && boards[i]; i++)
        if (strcmp(boards[i]->arch, arch) == 0)
            return boards[i];
    return NULL;
}

const char *const *vr_board_archs(void)
{
    static const char **archs;
    if (g_once_init_enter(&archs)) {
        GPtrArray *list = g_ptr_array_new();
        for (unsigned i = 0; boards[i]; i++) {
            bool seen = false;
            for (guint j = 0; j < list->len; j++)
                seen = seen || strcmp(list->pdata[j], boards[i]->arch) == 0;
            if (!seen)
                g_ptr_array_add(list, (gpointer) boards[i]->arch);
        }
        g_ptr_array_add(list, NULL);
        g_once_init_leave(&archs, (const char **) g_ptr_array_free(list, FALSE));
    }
    return archs;
}

/* "a, b, c": the names of the boards, or of the architectures they run. */
static char *list_names(bool archs)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    if (archs) {
        for (const char *const *a = vr_board_archs(); *a; a++)
            g_ptr_array_add(names, (gpointer) *a);
    } else {
        for (unsigned i = 0; boards[i]; i++)
            g_ptr_array_add(names, (gpointer) boards[i]->name);
    }
    g_ptr_array_add(names, NULL);
    return g_strjoinv(", ", (char **) names->pdata);
}

const VrBoardInfo *vr_board_for_config(const VrMachineConfig *cfg, GError **error)
{
    if (cfg->board) {
        const VrBoardInfo *board = vr_board_find(cfg->board);
        if (!board) {
            g_autofree char *known = list_names(false);
            g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_BOARD,
                        /* Translators: a board is a kind of machine (riscv64-virt). */
                        _("board '%s' is not known (known: %s)"), cfg->board, known);
            return NULL;
        }
        if (cfg->arch && strcmp(cfg->arch, board->arch) != 0) {
            g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_BOARD,
                        /* Translators: the board, its architecture, the machine's. */
                        _("the %s board runs %s machines, not %s"), board->name, board->arch,
                        cfg->arch);
            return NULL;
        }
        return board;
    }
    const VrBoardInfo *board = vr_board_default_for_arch(cfg->arch);
    if (!board) {
        g_autofree char *known = list_names(true);
        g_set_error(error, VR_CONFIG_ERROR, VR_CONFIG_ERROR_ARCH,
                    _("architecture '%s' is not supported (supported: %s)"),
                    cfg->arch ? cfg->arch : "", known);
        return NULL;
    }
    return board;
}

const char *vr_board_description(const VrBoardInfo *board)
{
    return _(board->description);
}

unsigned vr_board_max_disks(const VrBoardInfo *board, bool virtio_console)
{
    unsigned taken = board->board_slots + (virtio_console ? board->console_slots : 0);
    return board->device_slots > taken ? board->device_slots - taken : 0;
}

/* VireoAssistant: creating a machine, point and click. Asks what the machine starts from
 * (an ISO image, a disk image, or a kernel with an initramfs), recognizes the operating
 * system of an ISO with libosinfo and proposes CPUs, memory and disk size from it (general
 * defaults when it knows nothing), checks every value as it is entered and says why a
 * value cannot be taken. */
#pragma once

#include <adwaita.h>

#include "vireo-library.h"

G_BEGIN_DECLS

#define VIREO_TYPE_ASSISTANT (vireo_assistant_get_type())
G_DECLARE_FINAL_TYPE(VireoAssistant, vireo_assistant, VIREO, ASSISTANT, AdwWindow)

VireoAssistant *vireo_assistant_new(GtkWindow *parent, VireoLibrary *library);
/* Fills the assistant in from a file (what the user chose or dropped): an ISO or disk image
 * goes straight to the machine's details, a kernel to the kernel page. Returns FALSE (and
 * says why in the assistant) for anything else. */
gboolean vireo_assistant_set_file(VireoAssistant *self, GFile *file);
/* The kernel page, filled in. */
void vireo_assistant_set_kernel(VireoAssistant *self, const char *kernel, const char *initrd);
/* Whether libosinfo is still looking at the image. */
gboolean vireo_assistant_is_detecting(VireoAssistant *self);

G_END_DECLS

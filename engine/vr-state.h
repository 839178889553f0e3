/* A machine's saved state: a file of named sections, each checked by its own CRC-32.
 *
 *   header   "\x89VIREO\r\n" magic, u32 format version, u32 header size (16)
 *   section  u32 "SECT", u16 name length, name, u64 payload length, payload,
 *            u32 CRC-32 of name and payload
 *   ...
 *   end      the section named "end", whose payload is the number of sections before it
 *
 * Numbers are little-endian. A reader checks the whole file (magic, version, every length
 * and checksum, the end section) before it hands out any section, so a truncated, damaged
 * or foreign file is refused before anything is restored from it.
 *
 * Writers and readers are plain structs with sticky errors: a device's save and load call
 * the put/get functions in a row and look at the outcome once. */
#ifndef VR_STATE_H
#define VR_STATE_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VR_STATE_VERSION 1

typedef struct VrStateWriter VrStateWriter;
typedef struct VrStateReader VrStateReader;
typedef struct VrStateFile VrStateFile;

/* ---- writing ---- */

/* Writes to path through a temporary file beside it, renamed over path by
 * vr_state_writer_finish, so a crash leaves either the old file or the new one. */
VrStateWriter *vr_state_writer_new(const char *path, GError **error);
/* Writes the end section, syncs and renames; frees the writer either way. */
bool vr_state_writer_finish(VrStateWriter *w, GError **error);
/* Drops the temporary file and frees the writer. */
void vr_state_writer_abort(VrStateWriter *w);

void vr_state_begin_section(VrStateWriter *w, const char *name);
void vr_state_end_section(VrStateWriter *w);

void vr_state_put_u8(VrStateWriter *w, uint8_t v);
void vr_state_put_u16(VrStateWriter *w, uint16_t v);
void vr_state_put_u32(VrStateWriter *w, uint32_t v);
void vr_state_put_u64(VrStateWriter *w, uint64_t v);
void vr_state_put_bool(VrStateWriter *w, bool v);
void vr_state_put_bytes(VrStateWriter *w, const void *data, size_t len);
/* A string of up to 64 KiB, or NULL. */
void vr_state_put_string(VrStateWriter *w, const char *s);
/* An array of u64, as a count and the values. */
void vr_state_put_u64s(VrStateWriter *w, const uint64_t *v, size_t n);

/* ---- reading ---- */

/* Maps path and checks it whole. Errors name the file and what is wrong with it. */
VrStateFile *vr_state_file_open(const char *path, GError **error);
void vr_state_file_free(VrStateFile *f);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrStateFile, vr_state_file_free)
const char *vr_state_file_path(const VrStateFile *f);
unsigned vr_state_file_n_sections(const VrStateFile *f);
const char *vr_state_file_section_name(const VrStateFile *f, unsigned i);
/* A reader over section i's payload, or over the section called name (NULL if absent). */
VrStateReader *vr_state_file_reader(VrStateFile *f, unsigned i);
VrStateReader *vr_state_file_find(VrStateFile *f, const char *name);

/* Frees a reader. */
void vr_state_reader_free(VrStateReader *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VrStateReader, vr_state_reader_free)

/* Reading past the payload's end marks the reader failed and returns zeros. */
uint8_t vr_state_get_u8(VrStateReader *r);
uint16_t vr_state_get_u16(VrStateReader *r);
uint32_t vr_state_get_u32(VrStateReader *r);
uint64_t vr_state_get_u64(VrStateReader *r);
bool vr_state_get_bool(VrStateReader *r);
void vr_state_get_bytes(VrStateReader *r, void *buf, size_t len);
/* The next len bytes in place, or NULL (and failed) when fewer are left. */
const uint8_t *vr_state_get_ptr(VrStateReader *r, size_t len);
/* A newly allocated string, or NULL for a NULL string (or on failure). */
char *vr_state_get_string(VrStateReader *r);
/* Reads an array written by vr_state_put_u64s; fails unless it holds exactly n values. */
void vr_state_get_u64s(VrStateReader *r, uint64_t *v, size_t n);

/* A loader found a value it cannot take: marks the reader failed with the reason (the first
 * reason given is kept). */
void vr_state_reader_invalid(VrStateReader *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
bool vr_state_reader_failed(const VrStateReader *r);
size_t vr_state_reader_remaining(const VrStateReader *r);
const char *vr_state_reader_section(const VrStateReader *r);
/* After a section was loaded: an error naming the file and section when the loader failed or
 * left bytes unread (a state written by another version of the device). */
bool vr_state_reader_check(VrStateReader *r, GError **error);

#endif

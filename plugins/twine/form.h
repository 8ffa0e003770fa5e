/*
 * The legacy upload form for one distribution, field for field what
 * twine 4.0.2 sends (PackageFile.metadata_dictionary() through pkginfo):
 * same names, same order, same value folding, '' for absent single
 * fields, nothing for absent list fields.
 */
#ifndef S2N_TWINE_FORM_H
#define S2N_TWINE_FORM_H

#include "plugins/common/coremeta.h"
#include "plugins/common/distread.h"
#include "plugins/common/hash.h"
#include "plugins/common/upload.h"

typedef struct twine_form {
    s2n_form_field *fields; /* names static, values malloc'd */
    size_t n, cap;
} twine_form;

/* Build the form (without the file part).  With d NULL the three digest
 * fields are left out (sent after the file, see remote.c).  0, or -1 on
 * OOM. */
int twine_form_build(twine_form *f, const s2n_coremeta *m, s2n_dist_kind kind,
                     const char *file_name, const s2n_digests *d);
void twine_form_free(twine_form *f);

/* pkginfo's value folding: Description keeps its lines (minus an
 * 8-space indent), other fields join lines with ' '.  malloc'd. */
char *twine_fold(const char *field, const char *raw);

/* The metadata level pkginfo reads a Metadata-Version at: 10, 11, 12, 20,
 * 21, 22; versions above 2.2 read as 22 (plus 2.4's license fields). */
int twine_meta_level(const char *metadata_version);

#endif

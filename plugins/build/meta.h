/*
 * Core metadata text (METADATA in the wheel, PKG-INFO in the sdist) with
 * the lowest Metadata-Version that covers the fields used: Debian's
 * twine 4.0.2 / pkginfo cannot read 2.3+, so 2.4 appears only when the
 * PEP 639 License-Expression needs it.
 */
#ifndef S2N_BUILD_META_H
#define S2N_BUILD_META_H

#include "project.h"

/* malloc'd text. */
char *meta_render(const project *p);
/* The Metadata-Version meta_render will write. */
const char *meta_version(const project *p);
/* Where license files go inside the .dist-info folder ("" or "licenses/"). */
const char *meta_license_dir(const project *p);

#endif

/*
 * HTML character references, decoded the lenient way browsers and
 * Python's html.unescape do for the pages we read (PEP 503 indexes, index
 * servers' error pages).  Not ABI.
 */
#ifndef S2N_COMMON_HTML_H
#define S2N_COMMON_HTML_H

#include <stddef.h>

/* UTF-8 of code point `cp` into out (room for 4 bytes): its length, 0
 * when cp is not a character (0, a surrogate, past U+10FFFF). */
size_t s2n_utf8_put(unsigned long cp, char *out);

/* The reference starting at p ('&', text ending at lim): its text into out
 * (room for 4 bytes) and the reference's length into *used; 0 when it is
 * not one (then '&' stands for itself).  Named: amp lt gt quot apos nbsp;
 * numeric: &#N; and &#xH;.  Control characters come out as a blank. */
size_t s2n_html_entity(const char *p, const char *lim, char *out, size_t *used);

/* Decode every reference of s[0..len): malloc'd, or NULL. */
char *s2n_html_unescape(const char *s, size_t len);

#endif

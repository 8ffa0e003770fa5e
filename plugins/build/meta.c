#define _GNU_SOURCE
#include "meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *meta_version(const project *p)
{
    if (p->license_expr)
        return "2.4"; /* License-Expression, License-File */
    if (p->readme_type || p->extras.n)
        return "2.1"; /* Description-Content-Type, Provides-Extra */
    if (p->requires.n || p->requires_python || p->urls.n || p->maintainer || p->maintainer_email)
        return "1.2";
    if (p->classifiers.n)
        return "1.1";
    return "1.0";
}

const char *meta_license_dir(const project *p)
{
    return p->license_expr ? "licenses/" : "";
}

/* RFC 822 header: continuation lines indented, as setuptools writes a
 * multi-line License. */
static void header(FILE *f, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(f, "%s: ", name);
    for (const char *s = value; *s; s++) {
        if (*s == '\r')
            continue;
        fputc(*s, f);
        if (*s == '\n' && s[1])
            fputs("        ", f);
    }
    size_t n = strlen(value);
    if (!n || value[n - 1] != '\n')
        fputc('\n', f);
}

char *meta_render(const project *p)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    header(f, "Metadata-Version", meta_version(p));
    header(f, "Name", p->name);
    header(f, "Version", p->version);
    header(f, "Summary", p->summary);
    header(f, "Keywords", p->keywords);
    header(f, "Author", p->author);
    header(f, "Author-email", p->author_email);
    header(f, "Maintainer", p->maintainer);
    header(f, "Maintainer-email", p->maintainer_email);
    header(f, "License", p->license_text);
    header(f, "License-Expression", p->license_expr);
    if (p->license_expr)
        for (size_t i = 0; i < p->license_files.n; i++)
            header(f, "License-File", p->license_files.v[i]);
    for (size_t i = 0; i < p->urls.n; i++)
        header(f, "Project-URL", p->urls.v[i]);
    for (size_t i = 0; i < p->classifiers.n; i++)
        header(f, "Classifier", p->classifiers.v[i]);
    header(f, "Requires-Python", p->requires_python);
    for (size_t i = 0; i < p->extras.n; i++)
        header(f, "Provides-Extra", p->extras.v[i]);
    for (size_t i = 0; i < p->requires.n; i++)
        header(f, "Requires-Dist", p->requires.v[i]);
    header(f, "Description-Content-Type", p->readme_type);
    if (p->description) {
        fputc('\n', f);
        fputs(p->description, f);
        size_t n = strlen(p->description);
        if (n && p->description[n - 1] != '\n')
            fputc('\n', f);
    }
    if (fclose(f) != 0)
        abort();
    return buf;
}

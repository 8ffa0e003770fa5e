/* libyaml document -> s2n_value tree, keeping every node's position. */
#include "config.h"
#include "core/util.h"
#include "core/value.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Aliases can multiply a small file into a huge tree ("billion laughs");
 * a pipeline file never needs more than this. */
#define MAX_NODES 200000
#define MAX_DEPTH 64

typedef struct conv {
    yaml_document_t *doc;
    const char *file;
    size_t count;
    char *err;
} conv;

static s2n_value *convert(conv *c, yaml_node_t *node, int depth)
{
    if (c->err)
        return NULL;
    int line = (int)node->start_mark.line + 1, col = (int)node->start_mark.column + 1;
    if (++c->count > MAX_NODES || depth > MAX_DEPTH) {
        c->err = xasprintf("%s:%d:%d: document too large or too deeply nested (aliases?)", c->file,
                           line, col);
        return NULL;
    }
    switch (node->type) {
    case YAML_SCALAR_NODE: {
        const char *s = (const char *)node->data.scalar.value;
        int plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && (!*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0))
            return value_new(S2N_KIND_NULL, c->file, line, col);
        s2n_value *v = value_new(S2N_KIND_STRING, c->file, line, col);
        v->str = xstrndup(s, node->data.scalar.length);
        if (strlen(v->str) != node->data.scalar.length) {
            c->err = xasprintf("%s:%d:%d: NUL character in a scalar", c->file, line, col);
            value_free(v);
            return NULL;
        }
        v->quoted = !plain;
        return v;
    }
    case YAML_SEQUENCE_NODE: {
        s2n_value *v = value_new(S2N_KIND_LIST, c->file, line, col);
        for (yaml_node_item_t *it = node->data.sequence.items.start;
             it < node->data.sequence.items.top && !c->err; it++) {
            s2n_value *item = convert(c, yaml_document_get_node(c->doc, *it), depth + 1);
            if (!item)
                break;
            value_push(v, item);
        }
        return v;
    }
    case YAML_MAPPING_NODE: {
        s2n_value *v = value_new(S2N_KIND_MAP, c->file, line, col);
        for (yaml_node_pair_t *p = node->data.mapping.pairs.start;
             p < node->data.mapping.pairs.top && !c->err; p++) {
            yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
            int kl = (int)kn->start_mark.line + 1, kc = (int)kn->start_mark.column + 1;
            if (kn->type != YAML_SCALAR_NODE) {
                c->err = xasprintf("%s:%d:%d: a mapping key must be a plain string", c->file, kl, kc);
                break;
            }
            const char *key = (const char *)kn->data.scalar.value;
            if (value_get(v, key) || (v->n && strcmp(key, "<<") == 0)) {
                const s2n_value *first = value_keynode(v, key);
                c->err = xasprintf("%s:%d:%d: duplicate key '%s' (first at line %d)", c->file, kl,
                                   kc, key, first ? first->line : 0);
                break;
            }
            s2n_value *item = convert(c, yaml_document_get_node(c->doc, p->value), depth + 1);
            if (!item)
                break;
            value_set(v, key, item);
            value_free(v->keynodes[v->n - 1]);
            v->keynodes[v->n - 1] = value_str(key, c->file, kl, kc);
        }
        return v;
    }
    default:
        return value_new(S2N_KIND_NULL, c->file, line, col);
    }
}

s2n_value *yaml_load_buffer(const char *name, const char *buf, size_t len, char **err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    *err = NULL;
    if (!yaml_parser_initialize(&parser)) {
        *err = xasprintf("%s: cannot initialise the YAML parser", name);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_mark_t m = parser.problem_mark;
        *err = xasprintf("%s:%zu:%zu: %s%s%s", name, m.line + 1, m.column + 1,
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return NULL;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    s2n_value *v = NULL;
    if (!root) {
        v = value_new(S2N_KIND_NULL, name, 1, 1);
    } else {
        conv c = {.doc = &doc, .file = name};
        v = convert(&c, root, 0);
        if (c.err) {
            value_free(v);
            v = NULL;
            *err = c.err;
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return v;
}

s2n_value *yaml_load_file(const char *path, char **err)
{
    size_t len;
    char *buf = read_file(path, &len);
    if (!buf) {
        *err = xasprintf("%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    s2n_value *v = yaml_load_buffer(path, buf, len, err);
    free(buf);
    return v;
}

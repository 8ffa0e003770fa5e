/* The stage graph: names unique, needs known, no cycles, an order. */
#include "config.h"
#include "core/pipeline.h"

#include <stdlib.h>
#include <string.h>

static long find_index(const pipeline *p, const char *name)
{
    for (size_t i = 0; i < p->nstages; i++)
        if (p->stages[i].name && strcmp(p->stages[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Depth-first search that reports the first cycle as "a -> b -> a". */
static int find_cycle(const pipeline *p, size_t i, int *state, size_t *stack, size_t depth,
                      diag *d)
{
    state[i] = 1;
    stack[depth] = i;
    const stage_def *s = &p->stages[i];
    for (size_t k = 0; k < s->needs.n; k++) {
        long j = find_index(p, s->needs.v[k]);
        if (j < 0)
            continue;
        if (state[j] == 1) {
            strbuf b = {0};
            size_t start = 0;
            while (stack[start] != (size_t)j)
                start++;
            for (size_t m = start; m <= depth; m++)
                sb_printf(&b, "%s -> ", p->stages[stack[m]].name);
            sb_puts(&b, p->stages[j].name);
            diag_error(d, value_get(p->stages[j].node, "needs") ? value_get(p->stages[j].node, "needs")
                                                                 : p->stages[j].node,
                       "dependency cycle: %s", b.s);
            sb_free(&b);
            return 1;
        }
        if (state[j] == 0 && find_cycle(p, (size_t)j, state, stack, depth + 1, d))
            return 1;
    }
    state[i] = 2;
    return 0;
}

void pipeline_check_graph(pipeline *p, diag *d)
{
    size_t n = p->nstages;
    const char **names = xcalloc(n + 1, sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        stage_def *s = &p->stages[i];
        if (!s->name)
            continue;
        for (size_t j = 0; j < i; j++)
            if (p->stages[j].name && strcmp(p->stages[j].name, s->name) == 0) {
                diag_error(d, value_get(s->node, "name"),
                           "duplicate stage name '%s' (first defined at %s)", s->name,
                           value_where(value_get(p->stages[j].node, "name")));
                break;
            }
        names[nn++] = s->name;
    }
    int bad = nn < n; /* a stage without a name was reported already */
    for (size_t i = 0; i < n; i++) {
        stage_def *s = &p->stages[i];
        s2n_value *needs = value_get(s->node, "needs");
        for (size_t k = 0; k < s->needs.n; k++) {
            const char *want = s->needs.v[k];
            s2n_value *at = needs && needs->kind == S2N_KIND_LIST && k < needs->n ? needs->items[k]
                                                                                  : needs;
            if (s->name && strcmp(want, s->name) == 0) {
                diag_error(d, at, "stage '%s' needs itself", s->name);
                bad = 1;
            } else if (find_index(p, want) < 0) {
                const char *sug = diag_suggest(want, names, nn);
                if (sug)
                    diag_error(d, at, "needs: no stage named '%s' (did you mean '%s'?)", want, sug);
                else
                    diag_error(d, at, "needs: no stage named '%s'", want);
                bad = 1;
            }
        }
    }
    free(names);
    if (bad)
        return;
    int *state = xcalloc(n, sizeof *state);
    size_t *stack = xcalloc(n + 1, sizeof *stack);
    for (size_t i = 0; i < n; i++)
        if (state[i] == 0 && find_cycle(p, i, state, stack, 0, d)) {
            free(state);
            free(stack);
            return;
        }
    free(state);
    free(stack);
    /* Kahn's algorithm, always taking the lowest index first, so the order
     * is the file order wherever the graph allows. */
    size_t *indeg = xcalloc(n, sizeof *indeg);
    for (size_t i = 0; i < n; i++)
        indeg[i] = p->stages[i].needs.n;
    free(p->order);
    p->order = xcalloc(n, sizeof *p->order);
    char *done = xcalloc(n, 1);
    for (size_t k = 0; k < n; k++) {
        size_t pick = n;
        for (size_t i = 0; i < n && pick == n; i++)
            if (!done[i] && indeg[i] == 0)
                pick = i;
        if (pick == n)
            break;
        done[pick] = 1;
        p->order[k] = pick;
        for (size_t i = 0; i < n; i++)
            for (size_t m = 0; m < p->stages[i].needs.n; m++)
                if (strcmp(p->stages[i].needs.v[m], p->stages[pick].name) == 0)
                    indeg[i]--;
    }
    free(done);
    free(indeg);
}

// CodeIngest's own native code, linked into libcodeingest_treesitter.so: the metrics walk over a
// whole syntax tree (comments, decision and nesting events, the nesting level at which each
// function starts), done in C so the walk costs no managed-to-native transition per node.
// CodeAnalysis.Walk (src/Grains/Parsing/CodeAnalysis.cs) calls it and turns the events into
// cyclomatic and cognitive complexity, nesting and comment lines.
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tree_sitter/api.h"

#define CODEINGEST_EXPORT __attribute__((visibility("default")))

// Node categories: the byte values of NodeCategory in CodeAnalysis.cs (keep in step).
enum {
    CATEGORY_NONE = 0,
    CATEGORY_COMMENT = 1,
    CATEGORY_BRANCH = 2,
    CATEGORY_FLAT_BRANCH = 3,
    CATEGORY_NESTING = 4,
    CATEGORY_BINARY = 5,
    CATEGORY_LOGICAL = 6,
    CATEGORY_LOGICAL_TOKEN = 7,
};

// Event kinds: the values of CodeAnalysis.EventKind.
enum {
    EVENT_BRANCH = 0,
    EVENT_FLAT = 1,
    EVENT_NESTING = 2,
};

typedef struct {
    uint32_t start;
    uint32_t end;
} CodeIngestSpan;

typedef struct {
    uint32_t position;
    int32_t kind;
    int32_t level;
} CodeIngestEvent;

// What one walk found. The arrays are allocated here; codeingest_walk_free releases them.
typedef struct {
    CodeIngestSpan *comments;
    uint32_t comment_count;
    uint32_t comment_capacity;
    CodeIngestEvent *events;
    uint32_t event_count;
    uint32_t event_capacity;
} CodeIngestWalk;

static bool grow(void **items, uint32_t *capacity, size_t item_size) {
    uint32_t next = *capacity == 0 ? 256 : *capacity * 2;
    void *grown = realloc(*items, (size_t)next * item_size);
    if (grown == NULL) {
        return false;
    }
    *items = grown;
    *capacity = next;
    return true;
}

static bool add_event(CodeIngestWalk *walk, uint32_t position, int32_t kind, int32_t level) {
    if (walk->event_count == walk->event_capacity &&
        !grow((void **)&walk->events, &walk->event_capacity, sizeof(CodeIngestEvent))) {
        return false;
    }
    walk->events[walk->event_count++] = (CodeIngestEvent){position, kind, level};
    return true;
}

static uint8_t category_of(TSSymbol symbol, const uint8_t *table, uint32_t table_length) {
    return symbol < table_length ? table[symbol] : CATEGORY_NONE;
}

// A binary expression counts as a decision when one of its direct children is a logical operator token.
static bool has_logical_operator(TSNode node, const uint8_t *table, uint32_t table_length) {
    uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; i++) {
        if (category_of(ts_node_symbol(ts_node_child(node, i)), table, table_length) == CATEGORY_LOGICAL_TOKEN) {
            return true;
        }
    }
    return false;
}

CODEINGEST_EXPORT void codeingest_walk_free(CodeIngestWalk *walk) {
    if (walk == NULL) {
        return;
    }
    free(walk->comments);
    free(walk->events);
    *walk = (CodeIngestWalk){0};
}

// Walks every node under root depth first. table maps a grammar symbol to its category
// (table_length entries; symbols past the end are CATEGORY_NONE). function_starts holds the start
// bytes of the file's function-like definitions in ascending order; base_levels[i] receives the
// nesting level at the first node at or after function_starts[i] (levels of functions the walk never
// reaches stay as the caller set them). Comments are not descended into. Returns 0, or -1 when
// memory ran out (what was found so far is in walk; free it either way).
CODEINGEST_EXPORT int32_t codeingest_walk(
    TSNode root,
    const uint8_t *table,
    uint32_t table_length,
    const uint32_t *function_starts,
    uint32_t function_count,
    int32_t *base_levels,
    CodeIngestWalk *walk) {
    *walk = (CodeIngestWalk){0};
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    // One flag per open ancestor: whether entering it raised the nesting level.
    bool *nests_stack = NULL;
    uint32_t depth = 0, depth_capacity = 0;
    int32_t level = 0;
    uint32_t next_function = 0;
    int32_t status = 0;
    for (;;) {
        TSNode node = ts_tree_cursor_current_node(&cursor);
        uint32_t start = ts_node_start_byte(node);
        while (next_function < function_count && function_starts[next_function] <= start) {
            base_levels[next_function++] = level;
        }

        bool descend = true, nests = false, ok = true;
        switch (category_of(ts_node_symbol(node), table, table_length)) {
            case CATEGORY_COMMENT: {
                uint32_t end = ts_node_end_byte(node);
                if (end > start) {
                    if (walk->comment_count == walk->comment_capacity &&
                        !grow((void **)&walk->comments, &walk->comment_capacity, sizeof(CodeIngestSpan))) {
                        ok = false;
                        break;
                    }
                    walk->comments[walk->comment_count++] = (CodeIngestSpan){start, end};
                }
                descend = false;
                break;
            }
            case CATEGORY_BRANCH:
                ok = add_event(walk, start, EVENT_BRANCH, level);
                nests = true;
                break;
            case CATEGORY_FLAT_BRANCH:
            case CATEGORY_LOGICAL:
                ok = add_event(walk, start, EVENT_FLAT, level);
                break;
            case CATEGORY_NESTING:
                ok = add_event(walk, start, EVENT_NESTING, level);
                nests = true;
                break;
            case CATEGORY_BINARY:
                if (has_logical_operator(node, table, table_length)) {
                    ok = add_event(walk, start, EVENT_FLAT, level);
                }
                break;
            default:
                break;
        }

        if (!ok) {
            status = -1;
            break;
        }

        if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
            if (depth == depth_capacity && !grow((void **)&nests_stack, &depth_capacity, sizeof(bool))) {
                status = -1;
                break;
            }
            nests_stack[depth++] = nests;
            level += nests ? 1 : 0;
            continue;
        }

        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                done = true;
                break;
            }
            level -= nests_stack[--depth] ? 1 : 0;
        }
        if (done) {
            break;
        }
    }

    free(nests_stack);
    ts_tree_cursor_delete(&cursor);
    return status;
}

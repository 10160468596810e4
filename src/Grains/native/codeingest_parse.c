// CodeIngest's own native code, linked into libcodeingest_treesitter.so next to the tree-sitter
// runtime: a parse with a time budget. The budget is checked by a C progress callback of
// ts_parser_parse_with_options against a monotonic-clock deadline kept in the payload, so the parse
// never calls back into managed code (a managed [UnmanagedCallersOnly] callback crashed the .NET
// runtime under load, see TreeSitterParser.ParseTree).
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "tree_sitter/api.h"

#define CODEINGEST_EXPORT __attribute__((visibility("default")))

typedef struct {
    const char *text;
    uint32_t length;
    uint64_t deadline_ns;
} BudgetedInput;

static uint64_t monotonic_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

// The whole text is in memory: hand out everything from the requested byte on.
static const char *read_text(void *payload, uint32_t byte_index, TSPoint position, uint32_t *bytes_read) {
    (void)position;
    const BudgetedInput *input = payload;
    if (byte_index >= input->length) {
        *bytes_read = 0;
        return "";
    }
    *bytes_read = input->length - byte_index;
    return input->text + byte_index;
}

// Called by the runtime every 100 parse operations; true halts the parse.
static bool past_deadline(TSParseState *state) {
    const BudgetedInput *input = state->payload;
    return monotonic_now_ns() >= input->deadline_ns;
}

// Parses length bytes of text (encoding: a TSInputEncoding). Returns the tree, or NULL when the
// parse ran past budget_micros (the parser then holds a halted parse: call ts_parser_reset before
// reusing it) or the parser has no language. budget_micros 0 means no budget.
CODEINGEST_EXPORT TSTree *codeingest_parse_with_budget(
    TSParser *parser,
    const TSTree *old_tree,
    const char *text,
    uint32_t length,
    TSInputEncoding encoding,
    uint64_t budget_micros) {
    uint64_t deadline_ns = UINT64_MAX;
    if (budget_micros != 0) {
        uint64_t now = monotonic_now_ns();
        uint64_t room_micros = (UINT64_MAX - now) / 1000u;
        deadline_ns = budget_micros >= room_micros ? UINT64_MAX : now + budget_micros * 1000u;
    }
    BudgetedInput input = {
        .text = text != NULL ? text : "",
        .length = text != NULL ? length : 0,
        .deadline_ns = deadline_ns,
    };
    TSInput source = {
        .payload = &input,
        .read = read_text,
        .encoding = encoding,
        .decode = NULL,
    };
    TSParseOptions options = {
        .payload = &input,
        .progress_callback = budget_micros == 0 ? NULL : past_deadline,
    };
    return ts_parser_parse_with_options(parser, old_tree, source, options);
}

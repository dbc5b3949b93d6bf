// One stub per symbol of symbols.txt: jump to the address forward.c resolved for it.
#define FWD(index, name) \
    .globl name; .type name, @function; name: jmp *engram_forward_table + 8 * index(%rip); .size name, . - name;

    .text
#include "symbols.inc"

    .section .note.GNU-stack, "", @progbits

/*
 * triplefault: load an empty IDT and execute int3.  The #BP cannot be
 * delivered (#GP), nor can the #GP (#DF), nor the #DF: the CPU shuts down.
 * The hypervisor must crash this domain only.  Should int3 somehow return,
 * ud2 is tried next; reaching the end of the test is a FAIL.
 */
#include "guest.h"

const char test_name[] = "triplefault";

void test_main(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};

    info("loading an empty IDT and executing int3: expect a triple fault that crashes "
         "this domain");
    asm volatile("lidt %0" ::"m"(empty));
    asm volatile("int3" ::: "memory");
    printf("FAIL: %s.int3: still running after int3 with an empty IDT; trying ud2\n", test_name);
    asm volatile("ud2" ::: "memory");
    traps_load_idt();
    fail("ud2", "still running after ud2 with an empty IDT");
}

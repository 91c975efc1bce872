/*
 * user/roottest-iommu/start.S - entry of the DMA-remapping root task.  main()
 * runs its cases and returns the summary; the UD2 then kills the EC (RDI =
 * passed << 32 | total), which the kernel logs before it finishes its boot.
 */
#include "start.h"

        ROOT_ENTRY roottest_iommu_main_main
        movq    %rax, %rdi
        ud2
        .size   _start, . - _start

        .section .note.GNU-stack, "", @progbits

/*
 * user/vmmtest/guests.S - the test guests and the VMM's entry points.
 *
 * Each guest is position-dependent code for the guest-physical address its page is
 * delegated at (GUEST_CODE_GPA, vmm.ts): only relative jumps and absolute guest-physical
 * constants.  It lives in .text, so the page it is delegated from is executable and
 * read-only for the guest too (the root host space keeps the ELF segment's rights); its
 * data (stack, page tables) are .data pages delegated read-write.  A guest reports what
 * it saw by OUT to REPORT_PORT (EAX, 32 bits): the VMM logs each value, and the test
 * compares the log with what the guest should have seen.  VMMCALL ends a guest: the VMM
 * answers it with POISON.
 */
#include "nova/entry.h"

#define REPORT_PORT 0xe9
#define SERIAL_PORT 0x3f8

        .data
        .balign 4096
        .global vmm_handler_stack
vmm_handler_stack:
        .space  4 * 4096
        .global vmm_handler_stack_top
vmm_handler_stack_top:

        /* Guest data pages: the real-mode guest's stack page. */
        .balign 4096
        .global guest_data
guest_data:
        .space  4 * 4096

        PORTAL_ENTRY vmm_portal_entry, vmmtest_vmm_event

/*
 * The real-mode guest, entered at CS:IP 0:GUEST_CODE_GPA with SS:SP 0:0x7000 (vmm.ts).
 * 1. CPUID leaf 0: the VMM answers EAX=0x1234 EBX=0x5678 ECX=0x9abc EDX=0xdef0; reported.
 * 2. "OK\n" to the serial port, one OUTB each (the VMM collects them).
 * 3. RDMSR 0x10 (the VMM answers 0x1122334455667788): EDX and EAX reported.
 * 4. WRMSR 0x8b with EDX:EAX = 0xcafe:0xbeef (the VMM logs what it got).
 * 5. HLT (the VMM resumes it after the instruction).
 * 6. VMMCALL: the end.
 */
        .text
        .balign 4096
        .code16
        .global guest_real
guest_real:
        xorl    %eax, %eax
        cpuid
        outl    %eax, $REPORT_PORT
        movl    %ebx, %eax
        outl    %eax, $REPORT_PORT
        movl    %ecx, %eax
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        movw    $SERIAL_PORT, %dx
        movb    $'O', %al
        outb    %al, %dx
        movb    $'K', %al
        outb    %al, %dx
        movb    $'\n', %al
        outb    %al, %dx
        movl    $0x10, %ecx
        rdmsr
        outl    %eax, $REPORT_PORT
        movl    %edx, %eax
        outl    %eax, $REPORT_PORT
        movl    $0x8b, %ecx
        movl    $0xbeef, %eax
        movl    $0xcafe, %edx
        wrmsr
        hlt
        movl    $0x600d, %eax
        outl    %eax, $REPORT_PORT
        vmmcall
1:      jmp     1b
        .code64
        .global guest_real_end
guest_real_end:

        .section .note.GNU-stack, "", @progbits

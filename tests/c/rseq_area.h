/* What a C program that registers its own rseq area needs (an overriding
 * owner in the tests): the system call number, this arch's signature and
 * the area's layout (include/uapi/linux/rseq.h). */
#ifndef TEST_RSEQ_AREA_H
#define TEST_RSEQ_AREA_H
#include <sys/syscall.h>

#ifdef __x86_64__
#define RSEQ_SIG 0x53053053
#else
#define RSEQ_SIG 0xd428bc00 /* aarch64: brk #0x45e0 */
#endif

struct area { unsigned int cpu_id_start; int cpu_id; unsigned long rseq_cs; unsigned int flags, pad[3]; };
#endif

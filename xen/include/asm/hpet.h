/*
 * The HPET's main counter, used as a reference clock to calibrate the TSC
 * (IA-PC HPET specification: general registers).
 */
#ifndef ASM_HPET_H
#define ASM_HPET_H

#include <xen/types.h>

#define HPET_MMIO_SIZE          0x400
#define HPET_GEN_CAP            0x000
#define HPET_CAP_REV(c)         ((c) & 0xff)
#define HPET_CAP_NUM_TIM(c)     ((((c) >> 8) & 0x1f) + 1)
#define HPET_CAP_COUNT_64       (1ULL << 13)
#define HPET_CAP_PERIOD_FS(c)   ((c) >> 32)
#define HPET_MAX_PERIOD_FS      100000000ULL    /* the spec's limit: 100 ns */
#define HPET_GEN_CFG            0x010
#define HPET_CFG_ENABLE         (1ULL << 0)
#define HPET_MAIN_COUNTER       0x0f0

extern uint64_t hpet_period_fs;     /* femtoseconds per counter tick, 0 if no HPET */

/* Map the HPET that ACPI names and start its counter; false if there is none usable. */
bool hpet_init(void);
/* The low 32 bits of the main counter (enough for intervals under a few seconds). */
uint32_t hpet_read32(void);

#endif

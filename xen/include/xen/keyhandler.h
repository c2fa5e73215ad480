/*
 * Debug keys: one character typed on the serial console makes a subsystem
 * print its state ('h' lists them).  Subsystems register their own keys
 * in their init functions; keys run one at a time from KEYPRESS_SOFTIRQ on
 * the CPU that polls the console, never in interrupt context.
 */
#ifndef XEN_KEYHANDLER_H
#define XEN_KEYHANDLER_H

#include <xen/types.h>
#include <xen/spinlock.h>
#include <xen/time.h>

typedef void (*keyhandler_fn_t)(unsigned char key);

/*
 * Make `key` call fn, listed by 'h' as desc (a string that lives for
 * ever).  Every key registered so far only prints, so '0' ("dump all")
 * runs them all; a key that acts (reboot, crash) will need a flag that
 * keeps it out of '0'.  Registering a key again replaces it.
 */
void register_keyhandler(char key, keyhandler_fn_t fn, const char *desc);

/* Boot, before the console is polled: KEYPRESS_SOFTIRQ and the keys 'h', '0' and 'd'. */
void keyhandler_init(void);

/*
 * A key for the hypervisor (console_input() decides who gets input):
 * queued, and handled from KEYPRESS_SOFTIRQ on this CPU.  Any context.
 */
void handle_keypress(unsigned char key);

/* When the last key was handled (0: none yet), for waits that end once keys stop coming. */
s_time_t keyhandler_last_key_time(void);

/*
 * For dumps: take a lock that its holder may keep for a while, but give
 * up after a bounded wait (the holder may be the very code a dump
 * interrupted).  Callers print "(busy)" when it fails.
 */
#define KEYHANDLER_LOCK_TRIES 100000
static inline bool keyhandler_trylock(spinlock_t *l)
{
    unsigned int i;

    for (i = 0; i < KEYHANDLER_LOCK_TRIES; i++) {
        if (spin_trylock(l))
            return true;
        __builtin_ia32_pause();
    }
    return false;
}

#endif

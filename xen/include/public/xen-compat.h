/* Which revision of the Xen guest interface these headers describe. */
#ifndef XEN_PUBLIC_XEN_COMPAT_H
#define XEN_PUBLIC_XEN_COMPAT_H

/*
 * Xen 4.17 speaks interface revision 4.14 (0x00040e00) and older.  These
 * headers describe only the newest layouts; a consumer that asks for an
 * older revision gets the same definitions, and one that asks for a newer
 * revision is refused.
 */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00040e00

#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif

#if __XEN_INTERFACE_VERSION__ > __XEN_LATEST_INTERFACE_VERSION__
#error "requested Xen interface revision is newer than these headers"
#endif

#endif /* XEN_PUBLIC_XEN_COMPAT_H */

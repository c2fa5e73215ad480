/* The xenstore ring page and its message header (the message types are not described here). */
#ifndef XEN_PUBLIC_IO_XS_WIRE_H
#define XEN_PUBLIC_IO_XS_WIRE_H

#define XENSTORE_RING_SIZE      1024
#define MASK_XENSTORE_IDX(idx)  ((idx) & (XENSTORE_RING_SIZE - 1))

/* Limits on one message: payload bytes and path lengths. */
#define XENSTORE_PAYLOAD_MAX    4096
#define XENSTORE_ABS_PATH_MAX   3072
#define XENSTORE_REL_PATH_MAX   2048

/* xenstore_domain_interface.server_features */
#define XENSTORE_SERVER_FEATURE_RECONNECTION    1
#define XENSTORE_SERVER_FEATURE_ERROR           2

/* xenstore_domain_interface.connection: a guest waits while it is not CONNECTED. */
#define XENSTORE_CONNECTED      0
#define XENSTORE_RECONNECT      1

/* xenstore_domain_interface.error */
#define XENSTORE_ERROR_NONE     0
#define XENSTORE_ERROR_COMM     1
#define XENSTORE_ERROR_RINGIDX  2
#define XENSTORE_ERROR_PROTO    3

#ifndef __ASSEMBLY__

#include <stdint.h>

typedef uint32_t XENSTORE_RING_IDX;

/* Every message on the rings starts with this header, then len bytes. */
struct xsd_sockmsg {
    uint32_t type;
    uint32_t req_id;            /* echoed in the reply */
    uint32_t tx_id;             /* transaction, 0 for none */
    uint32_t len;
};

/* req: guest to xenstored; rsp: replies and watch events.  Free-running indices. */
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];
    char rsp[XENSTORE_RING_SIZE];
    XENSTORE_RING_IDX req_cons;
    XENSTORE_RING_IDX req_prod;
    XENSTORE_RING_IDX rsp_cons;
    XENSTORE_RING_IDX rsp_prod;
    uint32_t server_features;   /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;        /* XENSTORE_CONNECTED or _RECONNECT */
    uint32_t error;             /* XENSTORE_ERROR_* */
};

#endif /* !__ASSEMBLY__ */

#endif /* XEN_PUBLIC_IO_XS_WIRE_H */

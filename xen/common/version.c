/*
 * xen_version and vm_assist: what this hypervisor says it is (Xen 4.17,
 * so that guests take the paths they take on Xen) and the optional
 * behaviours a guest may switch on.
 */
#include <xen/lib.h>
#include <xen/errno.h>
#include <xen/string.h>
#include <xen/sched.h>
#include <xen/bootdomain.h>
#include <xen/bootinfo.h>
#include <xen/hypercall.h>
#include <xen/memory.h>
#include <asm/page.h>
#include <asm/hvm/support.h>
#include <public/xen.h>
#include <public/version.h>

#ifndef ENODATA
#define ENODATA 61      /* Xen's (and Linux's) value */
#endif
#ifndef ENOBUFS
#define ENOBUFS 105
#endif

/* buildinfo.o (xen/Makefile) */
extern const char xen_compiler[], xen_build_date[], xen_build_host[];

/* What Xen's dummy XSM policy shows an unprivileged caller instead. */
static const char denied[] = "<denied>";

/* HVM callers only: no PV guests here. */
static const char capabilities[] = "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64";

/* Where Xen reserves virtual space for itself in PV guests (a number guests may print). */
#define HYPERVISOR_VIRT_START_64 0xFFFF800000000000ULL
#define HYPERVISOR_VIRT_START_32 0xF5800000U

/* Copy s into a zeroed field of `size` bytes, always NUL-terminated. */
static void put_str(char *dst, const char *s, size_t size)
{
    memset(dst, 0, size);
    memcpy(dst, s, strnlen(s, size - 1));
}

/* A NUL-padded fixed-size string field. */
static int copy_string(struct vcpu *v, uint64_t arg, const char *s, size_t field)
{
    char buf[XEN_CAPABILITIES_INFO_LEN];

    BUILD_BUG_ON(sizeof(xen_commandline_t) > sizeof(buf));
    put_str(buf, s, field);
    return copy_to_guest(v, arg, buf, field);
}

static int compile_info(struct vcpu *v, uint64_t arg)
{
    struct xen_compile_info ci;
    const char *at = strchr(xen_build_host, '@');
    size_t user = at ? (size_t)(at - xen_build_host) : strlen(xen_build_host);

    memset(&ci, 0, sizeof(ci));
    put_str(ci.compiler, xen_compiler, sizeof(ci.compiler));
    memcpy(ci.compile_by, xen_build_host, min(user, sizeof(ci.compile_by) - 1));
    put_str(ci.compile_domain, at ? at + 1 : "", sizeof(ci.compile_domain));
    put_str(ci.compile_date, xen_build_date, sizeof(ci.compile_date));
    return copy_to_guest(v, arg, &ci, sizeof(ci));
}

/* Submap 0 as Xen 4.17 computes it for a PVH (HAP, translated) domain. */
static uint32_t features(const struct domain *d)
{
    uint32_t f = (1U << XENFEAT_writable_page_tables) | (1U << XENFEAT_auto_translated_physmap) |
                 (1U << XENFEAT_hvm_callback_vector) | (1U << XENFEAT_hvm_safe_pvclock) |
                 (1U << XENFEAT_memory_op_vnode_supported);

    if (d->capabilities & BOOT_CAP_HARDWARE)
        f |= 1U << XENFEAT_dom0;
    return f;
}

static int get_features(struct vcpu *v, uint64_t arg)
{
    struct xen_feature_info fi;

    if (copy_from_guest(v, &fi, arg, sizeof(fi)))
        return -EFAULT;
    if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
        return -EINVAL;
    fi.submap = features(v->domain);
    return copy_to_guest(v, arg, &fi, sizeof(fi));
}

static int platform_parameters(struct vcpu *v, uint64_t arg)
{
    /* xen_ulong_t is 4 bytes for a 32-bit caller. */
    if (hvm_cpu_mode(v) != CPU_MODE_64) {
        uint32_t start = HYPERVISOR_VIRT_START_32;

        return copy_to_guest(v, arg, &start, sizeof(start));
    } else {
        struct xen_platform_parameters p = { HYPERVISOR_VIRT_START_64 };

        return copy_to_guest(v, arg, &p, sizeof(p));
    }
}

static int commandline(struct vcpu *v, uint64_t arg)
{
    const struct boot_info *bi = hypercall_boot_info();

    if (!hypercall_is_privileged(v))
        return copy_to_guest(v, arg, denied, sizeof(denied));
    if (!bi)
        return -ENODATA;
    return copy_string(v, arg, bi->cmdline, sizeof(xen_commandline_t));
}

/* No build id is linked in: Xen's answer for that is -ENODATA. */
static int build_id(struct vcpu *v, uint64_t arg)
{
    uint32_t len;

    if (!hypercall_is_privileged(v))
        return -EPERM;
    if (arg && copy_from_guest(v, &len, arg, sizeof(len)))
        return -EFAULT;
    return -ENODATA;
}

long do_xen_version(struct vcpu *v, const uint64_t args[5])
{
    uint64_t arg = args[1];

    switch (args[0]) {
    case XENVER_version:
        return (XEN_VERSION << 16) | XEN_SUBVERSION;
    case XENVER_extraversion:
        return copy_string(v, arg, XEN_EXTRAVERSION, XEN_EXTRAVERSION_LEN) ? -EFAULT : 0;
    case XENVER_compile_info:
        return compile_info(v, arg) ? -EFAULT : 0;
    case XENVER_capabilities:
        return copy_string(v, arg, capabilities, XEN_CAPABILITIES_INFO_LEN) ? -EFAULT : 0;
    case XENVER_changeset:
        return copy_string(v, arg, "unavailable", XEN_CHANGESET_INFO_LEN) ? -EFAULT : 0;
    case XENVER_platform_parameters:
        return platform_parameters(v, arg) ? -EFAULT : 0;
    case XENVER_get_features: {
        int rc = get_features(v, arg);

        return rc == -EINVAL ? rc : rc ? -EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle:
        return copy_to_guest(v, arg, v->domain->handle, sizeof(xen_domain_handle_t)) ? -EFAULT
                                                                                    : 0;
    case XENVER_commandline: {
        int rc = commandline(v, arg);

        return rc == -ENODATA ? rc : rc ? -EFAULT : 0;
    }
    case XENVER_build_id:
        return build_id(v, arg);
    default:
        return -ENOSYS;
    }
}

/* ------------------------------------------------------------ vm_assist */

/* For HVM guests Xen 4.17 offers only the runstate update flag. */
#define VM_ASSIST_VALID_HVM (1UL << VMASST_TYPE_runstate_update_flag)

long do_vm_assist(struct vcpu *v, const uint64_t args[5])
{
    uint64_t cmd = args[0], type = args[1];
    struct domain_abi *a;

    if (type >= 64 || !((VM_ASSIST_VALID_HVM >> type) & 1))
        return -EINVAL;
    if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
        return -ENOSYS;
    a = domain_abi(v->domain);
    if (!a)
        return -ENOMEM;
    if (cmd == VMASST_CMD_enable)
        __atomic_fetch_or(&a->vm_assist, 1UL << type, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&a->vm_assist, ~(1UL << type), __ATOMIC_SEQ_CST);
    return 0;
}

bool vm_assist_enabled(struct domain *d, unsigned int type)
{
    const struct domain_abi *a = d->abi;

    return a && type < 64 && ((__atomic_load_n(&a->vm_assist, __ATOMIC_RELAXED) >> type) & 1);
}

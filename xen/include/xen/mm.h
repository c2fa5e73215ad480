/* Host memory: direct map access and the page allocator. */
#ifndef XEN_MM_H
#define XEN_MM_H

#include <xen/types.h>

/*
 * Access to host memory through the direct map.  A function (not a macro)
 * so that host unit tests can supply a sparse simulated machine.
 */
void *maddr_to_virt(paddr_t ma);
paddr_t virt_to_maddr(const void *va);

/* Allocation orders that matter: 0 = 4 KiB, 9 = 2 MiB, 18 = 1 GiB. */
#define PAGE_ORDER_4K 0
#define PAGE_ORDER_2M 9
#define PAGE_ORDER_1G 18
#define MAX_PAGE_ORDER 18

#define INVALID_PADDR (~(paddr_t)0)

struct page_alloc_stats {
    uint64_t total_pages;      /* usable RAM handed to the allocator */
    uint64_t free_pages;
    uint64_t free_1g;          /* whole free 1 GiB chunks */
    uint64_t free_2m;          /* whole free 2 MiB chunks inside split 1 GiB chunks */
    uint64_t split_1g;         /* 1 GiB chunks whose metadata is split to 2 MiB */
    uint64_t split_2m;         /* 2 MiB chunks whose metadata is split to 4 KiB */
    uint64_t clean_pages;      /* free pages known to be zero (scrubbed) */
    uint64_t scrubbed_1g;      /* GiBs the background scrubber has zeroed */
    uint64_t claimed_pages;    /* free pages promised to domains' lazy RAM */
    uint64_t scrub_pool_pages; /* clean free memory the scrubber aims to keep */
    uint64_t meta_bytes;       /* bytes of allocator metadata in use */
};

/*
 * Boot-time set-up.  page_alloc_init() is given the highest usable address
 * and a buffer for the per-GiB chunk table (page_alloc_table_bytes() says
 * how large); then every usable range is added with page_alloc_add_range().
 */
size_t page_alloc_table_bytes(paddr_t max_addr);
void page_alloc_init(paddr_t max_addr, void *table);
void page_alloc_add_range(paddr_t start, paddr_t end);

/* Returns the machine address of 2^order naturally aligned pages, or INVALID_PADDR. */
paddr_t alloc_pages(unsigned int order);
/*
 * alloc_pages() with a preference: ALLOC_PREFER_CLEAN takes chunks the
 * scrubber has zeroed when there are any (for guest RAM), else dirty
 * ones are taken first (so the clean pool is kept for guests).  *clean
 * (may be NULL) says whether the memory is known to be zero; 4 KiB-level
 * allocations never are.
 */
#define ALLOC_PREFER_CLEAN 1u
paddr_t alloc_pages_ex(unsigned int order, unsigned int flags, bool *clean);
/* Freed memory counts as dirty until scrubbed. */
void free_pages(paddr_t ma, unsigned int order);
/* Zero 2^order pages at ma (through the direct map). */
void scrub_pages(paddr_t ma, unsigned int order);
/*
 * One bounded step (256 KiB) of background scrubbing, for idle CPUs: true
 * if it did work (call again after checking for other work), false if
 * there is nothing to do (the clean pool is full, or no dirty free GiB).
 */
bool page_scrub_step(void);
/* How much free memory the scrubber keeps clean (boot option scrub-pool=). */
void page_scrub_set_pool(uint64_t bytes);
/*
 * Claims: free memory promised to domains whose RAM is populated lazily,
 * so that a domain is refused at build time rather than crashed at first
 * touch.  Only page_alloc_claim() honours claims; the hypervisor's own
 * small allocations (page tables, metadata) may use claimed memory.
 */
int page_alloc_claim(uint64_t pages);
void page_alloc_unclaim(uint64_t pages);
void page_alloc_get_stats(struct page_alloc_stats *st);
/* Consistency check of every structure (tests and debug keys); returns 0 if sane. */
int page_alloc_check(void);

/* Convenience for hypervisor-internal allocations: zeroed, direct-mapped. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);

#endif

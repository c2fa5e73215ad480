/*
 * Host tests of the VPID pool: every VPID 1..limit handed out once, none
 * when full, freed ones reused, and many more vCPU lifetimes than there
 * are VPIDs (domains created and destroyed) never running out.
 */
#include "test.h"
#include <xen/lib.h>
#include <asm/hvm/vmx/vpid.h>

static struct vpid_pool pool;

static void test_exhaust(void)
{
    static bool seen[VPID_MAX + 1];
    unsigned int i;
    uint16_t id;

    vpid_pool_init(&pool, VPID_MAX);
    memset(seen, 0, sizeof(seen));
    for (i = 1; i <= VPID_MAX; i++) {
        id = vpid_alloc(&pool);
        if (id == 0 || seen[id]) {
            CHECK(0, "allocation %u gave %u (0 or a duplicate)", i, id);
            return;
        }
        seen[id] = true;
    }
    CHECK(!seen[0], "0 is the host's");
    CHECK_EQ(vpid_alloc(&pool), 0);
    CHECK_EQ(pool.nr_used, VPID_MAX);
    vpid_free(&pool, 1234);
    CHECK_EQ(vpid_alloc(&pool), 1234);
    CHECK_EQ(vpid_alloc(&pool), 0);
}

static void test_free_checks(void)
{
    vpid_pool_init(&pool, 8);
    CHECK_EQ(vpid_alloc(&pool), 1);
    vpid_free(&pool, 0);            /* ignored */
    vpid_free(&pool, 5);            /* not in use: ignored */
    vpid_free(&pool, 9);            /* beyond the limit: ignored */
    CHECK_EQ(pool.nr_used, 1);
    vpid_free(&pool, 1);
    vpid_free(&pool, 1);            /* twice: once counts */
    CHECK_EQ(pool.nr_used, 0);
}

/* Round-robin: a freed VPID comes back only after the others. */
static void test_round_robin(void)
{
    vpid_pool_init(&pool, 4);
    CHECK_EQ(vpid_alloc(&pool), 1);
    CHECK_EQ(vpid_alloc(&pool), 2);
    vpid_free(&pool, 1);
    CHECK_EQ(vpid_alloc(&pool), 3);
    CHECK_EQ(vpid_alloc(&pool), 4);
    CHECK_EQ(vpid_alloc(&pool), 1);
    CHECK_EQ(vpid_alloc(&pool), 0);
}

/*
 * 200,000 domains of 1..4 vCPUs created and destroyed, up to 3 alive at a
 * time, with only 16 VPIDs: a counter would run out after 16.
 */
static void test_many_lifetimes(void)
{
    uint16_t alive[3][4];
    unsigned int n[3] = {0, 0, 0}, d, i, round, failures = 0;

    vpid_pool_init(&pool, 16);
    for (round = 0; round < 200000; round++) {
        d = round % 3;
        for (i = 0; i < n[d]; i++)
            vpid_free(&pool, alive[d][i]);
        n[d] = 1 + round % 4;
        for (i = 0; i < n[d]; i++) {
            alive[d][i] = vpid_alloc(&pool);
            if (!alive[d][i])
                failures++;
        }
    }
    CHECK_EQ(failures, 0);
    CHECK_EQ(pool.nr_used, n[0] + n[1] + n[2]);
}

int main(void)
{
    static const struct test_case cases[] = {
        {"vpid_exhaust", test_exhaust},
        {"vpid_free_checks", test_free_checks},
        {"vpid_round_robin", test_round_robin},
        {"vpid_many_lifetimes", test_many_lifetimes},
    };

    return test_run(cases, ARRAY_SIZE(cases));
}

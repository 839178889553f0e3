/* Shared helpers of the F and D tests (see fp.h). */
#include "fp.h"

/* Each family's instruction sequence: inputs into ft0..ft2 (or an integer register), fflags
 * cleared, the instruction, fflags read, the result out. Uses a, b, c and o of fp_exec. */
#define ASM_FFF(mn, rms)                                                       \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflagsi 0\n\t" mn \
                     " ft3, ft0, ft1" rms "\n\tfrflags %1\n\tfmv.x.d %0, ft3"  \
                     : "=r"(o.v), "=r"(o.fl)                                   \
                     : "r"(a), "r"(b)                                          \
                     : "ft0", "ft1", "ft3")
#define ASM_FF(mn, rms)                                                     \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflagsi 0\n\t" mn " ft3, ft0" rms \
                     "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                    \
                     : "=r"(o.v), "=r"(o.fl)                                \
                     : "r"(a)                                               \
                     : "ft0", "ft3")
#define ASM_FFFF(mn, rms)                                                                         \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfmv.d.x ft2, %4\n\tfsflagsi 0\n\t" mn \
                     " ft3, ft0, ft1, ft2" rms "\n\tfrflags %1\n\tfmv.x.d %0, ft3"                \
                     : "=r"(o.v), "=r"(o.fl)                                                      \
                     : "r"(a), "r"(b), "r"(c)                                                     \
                     : "ft0", "ft1", "ft2", "ft3")
#define ASM_XF(mn, rms)                                                                     \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfsflagsi 0\n\t" mn " %0, ft0" rms "\n\tfrflags %1" \
                     : "=&r"(o.v), "=r"(o.fl)                                               \
                     : "r"(a)                                                               \
                     : "ft0")
#define ASM_XFF(mn, rms)                                                                           \
    __asm__ volatile("fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\tfsflagsi 0\n\t" mn " %0, ft0, ft1" rms \
                     "\n\tfrflags %1"                                                              \
                     : "=&r"(o.v), "=r"(o.fl)                                                      \
                     : "r"(a), "r"(b)                                                              \
                     : "ft0", "ft1")
#define ASM_FX(mn, rms)                                                                     \
    __asm__ volatile("fsflagsi 0\n\t" mn " ft3, %2" rms "\n\tfrflags %1\n\tfmv.x.d %0, ft3" \
                     : "=r"(o.v), "=r"(o.fl)                                                \
                     : "r"(a)                                                               \
                     : "ft3")

#define RM_SWITCH(ASM, mn)             \
    switch (rm) {                      \
    case RNE: ASM(mn, ", rne"); break; \
    case RTZ: ASM(mn, ", rtz"); break; \
    case RDN: ASM(mn, ", rdn"); break; \
    case RUP: ASM(mn, ", rup"); break; \
    case RMM: ASM(mn, ", rmm"); break; \
    default: ASM(mn, ", dyn"); break;  \
    }

#define FAM_FFF_RM(mn)  RM_SWITCH(ASM_FFF, mn)
#define FAM_FF_RM(mn)   RM_SWITCH(ASM_FF, mn)
#define FAM_FFFF_RM(mn) RM_SWITCH(ASM_FFFF, mn)
#define FAM_XF_RM(mn)   RM_SWITCH(ASM_XF, mn)
#define FAM_FX_RM(mn)   RM_SWITCH(ASM_FX, mn)
#define FAM_FFF(mn)     ASM_FFF(mn, "")
#define FAM_FF(mn)      ASM_FF(mn, "")
#define FAM_XFF(mn)     ASM_XFF(mn, "")
#define FAM_XF(mn)      ASM_XF(mn, "")
#define FAM_FX(mn)      ASM_FX(mn, "")

fp_res fp_exec(int op, int rm, uint64_t a, uint64_t b, uint64_t c)
{
    fp_res o = {0, 0};
    (void) c;
    switch (op) {
#define FP_CASE(id, mn, fam, dk, sk) \
    case id: FAM_##fam(mn); break;
        FP_OPS(FP_CASE)
#undef FP_CASE
    default: rt_printf("fp_exec: no operation %d\n", op); rt_exit(999);
    }
    return o;
}

enum { KIND_S, KIND_D, KIND_X };
enum { HAS_RM = 1 };

static const struct {
    const char *name;
    uint8_t dst, src, rm;
} op_info[FP_NUM_OPS] = {
#define KIND_OF_S                    KIND_S
#define KIND_OF_D                    KIND_D
#define KIND_OF_I                    KIND_X
#define RM_OF_FFF_RM                 1
#define RM_OF_FF_RM                  1
#define RM_OF_FFFF_RM                1
#define RM_OF_XF_RM                  1
#define RM_OF_FX_RM                  1
#define RM_OF_FFF                    0
#define RM_OF_FF                     0
#define RM_OF_XFF                    0
#define RM_OF_XF                     0
#define RM_OF_FX                     0
#define FP_INFO(id, mn, fam, dk, sk) [id] = {mn, KIND_OF_##dk, KIND_OF_##sk, RM_OF_##fam},
    FP_OPS(FP_INFO)
#undef FP_INFO
};

const char *fp_op_name(int op)
{
    return op >= 0 && op < FP_NUM_OPS ? op_info[op].name : "?";
}

int fp_check_number(int base, int x)
{
    /* The x-th number from base on that is not a multiple of 256. */
    int n = base;
    for (;;) {
        if (n % 256 != 0) {
            if (x == 0)
                return n;
            x--;
        }
        n++;
    }
}

static const char *const rm_names[8] = {"rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn"};

static void report(const char *table, int idx, const fp_vec *v, int dyn, const char *what,
                   uint64_t got, uint64_t want, int n)
{
    rt_printf("%s[%d]: %s%s%s a=0x%lx b=0x%lx c=0x%lx: %s 0x%lx, expected 0x%lx\n", table, idx,
              op_info[v->op].name, dyn ? " dyn, frm=" : " ", rm_names[v->rm & 7], v->a, v->b, v->c,
              what, got, want);
    rt_fail(n, __FILE__, __LINE__, table);
}

int fp_run_table(const char *table, int base, const fp_vec *v, int n)
{
    for (int i = 0; i < n; i++) {
        int op = v[i].op;
        uint64_t a = v[i].a, b = v[i].b, c = v[i].c, want = v[i].want;
        if (op_info[op].src == KIND_S) {
            a = fp_box((uint32_t) a);
            b = fp_box((uint32_t) b);
            c = fp_box((uint32_t) c);
        }
        if (op_info[op].dst == KIND_S)
            want = fp_box((uint32_t) want);
        int passes = op_info[op].rm ? 2 : 1;
        for (int dyn = 0; dyn < passes; dyn++) {
            /* Static: frm holds a different mode, which must not matter. */
            fp_set_frm(dyn ? v[i].rm : (v[i].rm + 1) % 5);
            fp_res r = fp_exec(op, dyn ? RM_DYN : v[i].rm, a, b, c);
            int num = fp_check_number(base, 4 * i + 2 * dyn);
            if (r.v != want)
                report(table, i, &v[i], dyn, "result", r.v, want, num);
            num = fp_check_number(base, 4 * i + 2 * dyn + 1);
            if (r.fl != v[i].flags)
                report(table, i, &v[i], dyn, "fflags", r.fl, v[i].flags, num);
        }
    }
    fp_set_frm(RNE);
    fp_clear_flags();
    return 0;
}

void fp_check_illegal(int n)
{
    int count = rt_trap_count();
    CHECK_EQ(n, count, 1);
    CHECK_EQ(n + 1, rt_trap_last.cause, CAUSE_ILLEGAL_INSTRUCTION);
    uint64_t epc = rt_trap_last.epc;
    uint64_t bits = *(volatile uint16_t *) epc;
    if ((bits & 3) == 3)
        bits |= (uint64_t) * (volatile uint16_t *) (epc + 2) << 16;
    CHECK_EQ(n + 2, rt_trap_last.tval, bits);
}

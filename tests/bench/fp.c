/* Floating-point workload, all in double precision:
 *   - matrix multiply: 64x64 matrices, i-k-j loop order, one element changed each round;
 *   - n-body: 32 bodies under softened gravity, O(n^2) forces with sqrt and divide, then a
 *     symplectic Euler step;
 *   - FFT: 1024-point complex radix-2 transform, forward, multiply by a phase ramp (which
 *     shifts the signal by one sample), inverse and scale; twiddles from our own Taylor
 *     series, so no libm is needed in the guest.
 * The checksum hashes the bit patterns of the results, so the build must give identical
 * IEEE results on both ISAs: no FMA contraction (-ffp-contract=off), sqrt without errno.
 */
#include "bench.h"

#ifndef MM_ROUNDS
#define MM_ROUNDS 380
#endif
#ifndef NBODY_STEPS
#define NBODY_STEPS 15500
#endif
#ifndef FFT_ROUNDS
#define FFT_ROUNDS 2600
#endif

#define MM_N     64
#define BODIES   32
#define FFT_LOG2 10
#define FFT_N    (1 << FFT_LOG2)

static uint64_t bits_of(double d)
{
    union {
        double d;
        uint64_t u;
    } v = {.d = d};
    return v.u;
}

/* A double in [0, 1) from the top 53 bits of a random number (exact on both ISAs). */
static double random_unit(uint64_t *rng)
{
    return (double) (bench_rand(rng) >> 11) * 0x1p-53;
}

/* ---- Matrix multiply ---- */

static double *mm_a, *mm_b, *mm_c;

static uint64_t mm_run(void)
{
    uint64_t h = 0;
    for (int round = 0; round < MM_ROUNDS; round++) {
        mm_a[(round * 17) % (MM_N * MM_N)] += 0.5;
        for (int i = 0; i < MM_N; i++) {
            double *c = &mm_c[i * MM_N];
            for (int j = 0; j < MM_N; j++)
                c[j] = 0.0;
            for (int k = 0; k < MM_N; k++) {
                double a = mm_a[i * MM_N + k];
                const double *b = &mm_b[k * MM_N];
                for (int j = 0; j < MM_N; j++)
                    c[j] += a * b[j];
            }
        }
        double trace = 0.0;
        for (int i = 0; i < MM_N; i++)
            trace += mm_c[i * MM_N + i];
        h = bench_mix(h, bits_of(trace));
    }
    for (int i = 0; i < MM_N * MM_N; i += 61)
        h = bench_mix(h, bits_of(mm_c[i]));
    return h;
}

/* ---- N-body ---- */

typedef struct body {
    double x, y, z;
    double vx, vy, vz;
    double mass;
} body;

static body bodies[BODIES];

static uint64_t nbody_run(void)
{
    const double dt = 1e-4, softening = 1e-3;
    for (int step = 0; step < NBODY_STEPS; step++) {
        for (int i = 0; i < BODIES; i++) {
            body *bi = &bodies[i];
            double ax = 0.0, ay = 0.0, az = 0.0;
            for (int j = 0; j < BODIES; j++) {
                if (j == i)
                    continue;
                const body *bj = &bodies[j];
                double dx = bj->x - bi->x, dy = bj->y - bi->y, dz = bj->z - bi->z;
                double d2 = dx * dx + dy * dy + dz * dz + softening;
                double inv = bj->mass / (d2 * __builtin_sqrt(d2));
                ax += dx * inv;
                ay += dy * inv;
                az += dz * inv;
            }
            bi->vx += ax * dt;
            bi->vy += ay * dt;
            bi->vz += az * dt;
        }
        for (int i = 0; i < BODIES; i++) {
            bodies[i].x += bodies[i].vx * dt;
            bodies[i].y += bodies[i].vy * dt;
            bodies[i].z += bodies[i].vz * dt;
        }
    }
    uint64_t h = 0;
    for (int i = 0; i < BODIES; i++) {
        h = bench_mix(h, bits_of(bodies[i].x));
        h = bench_mix(h, bits_of(bodies[i].vy));
        h = bench_mix(h, bits_of(bodies[i].z));
    }
    return h;
}

/* ---- FFT ---- */

static double fft_re[FFT_N], fft_im[FFT_N];
static double twiddle_re[FFT_N / 2], twiddle_im[FFT_N / 2];

/* sin and cos for |x| <= pi by their Taylor series, evaluated the same way everywhere. */
static void taylor_sincos(double x, double *s, double *c)
{
    double x2 = x * x, sin_term = x, cos_term = 1.0, sin_sum = x, cos_sum = 1.0;
    for (int k = 1; k < 30; k++) {
        cos_term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
        sin_term *= -x2 / ((2.0 * k) * (2.0 * k + 1.0));
        cos_sum += cos_term;
        sin_sum += sin_term;
    }
    *s = sin_sum;
    *c = cos_sum;
}

/* In-place radix-2 decimation-in-time FFT; inverse uses the conjugate twiddles. */
static void fft(double *re, double *im, int inverse)
{
    for (uint32_t i = 1, j = 0; i < FFT_N; i++) {
        uint32_t bit = FFT_N >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i];
            re[i] = re[j];
            re[j] = t;
            t = im[i];
            im[i] = im[j];
            im[j] = t;
        }
    }
    for (uint32_t half = 1, stride = FFT_N / 2; half < FFT_N; half *= 2, stride /= 2) {
        for (uint32_t start = 0; start < FFT_N; start += 2 * half) {
            for (uint32_t k = 0; k < half; k++) {
                double wr = twiddle_re[k * stride];
                double wi = inverse ? -twiddle_im[k * stride] : twiddle_im[k * stride];
                uint32_t top = start + k, bottom = top + half;
                double tr = re[bottom] * wr - im[bottom] * wi;
                double ti = re[bottom] * wi + im[bottom] * wr;
                re[bottom] = re[top] - tr;
                im[bottom] = im[top] - ti;
                re[top] += tr;
                im[top] += ti;
            }
        }
    }
}

static uint64_t fft_run(void)
{
    uint64_t h = 0;
    const double scale = 1.0 / FFT_N;
    for (int round = 0; round < FFT_ROUNDS; round++) {
        fft(fft_re, fft_im, 0);
        /* Bin k times e^(-2 pi i k / N): a circular shift by one sample. */
        for (uint32_t k = 0; k < FFT_N; k++) {
            double wr = twiddle_re[k % (FFT_N / 2)], wi = twiddle_im[k % (FFT_N / 2)];
            if (k >= FFT_N / 2) {
                wr = -wr;
                wi = -wi;
            }
            double r = fft_re[k] * wr - fft_im[k] * wi;
            double i = fft_re[k] * wi + fft_im[k] * wr;
            fft_re[k] = r;
            fft_im[k] = i;
        }
        fft(fft_re, fft_im, 1);
        for (uint32_t k = 0; k < FFT_N; k++) {
            fft_re[k] *= scale;
            fft_im[k] *= scale;
        }
        h = bench_mix(h, bits_of(fft_re[round % FFT_N]));
    }
    for (uint32_t k = 0; k < FFT_N; k += 37)
        h = bench_mix(h, bits_of(fft_re[k]) ^ bits_of(fft_im[k]));
    return h;
}

/* ---- Set-up and the timed part ---- */

static void fp_setup(void)
{
    uint64_t rng = 0x9fb21c651e98df25ULL;

    mm_a = bench_alloc(MM_N * MM_N * sizeof(double));
    mm_b = bench_alloc(MM_N * MM_N * sizeof(double));
    mm_c = bench_alloc(MM_N * MM_N * sizeof(double));
    for (int i = 0; i < MM_N * MM_N; i++) {
        mm_a[i] = random_unit(&rng) * 2.0 - 1.0;
        mm_b[i] = random_unit(&rng) * 2.0 - 1.0;
        mm_c[i] = 0.0;
    }

    for (int i = 0; i < BODIES; i++) {
        bodies[i].x = random_unit(&rng) * 2.0 - 1.0;
        bodies[i].y = random_unit(&rng) * 2.0 - 1.0;
        bodies[i].z = random_unit(&rng) * 2.0 - 1.0;
        bodies[i].vx = (random_unit(&rng) - 0.5) * 0.1;
        bodies[i].vy = (random_unit(&rng) - 0.5) * 0.1;
        bodies[i].vz = (random_unit(&rng) - 0.5) * 0.1;
        bodies[i].mass = 0.5 + random_unit(&rng);
    }

    const double pi = 3.14159265358979323846;
    for (int k = 0; k < FFT_N / 2; k++)
        taylor_sincos(-2.0 * pi * k / FFT_N, &twiddle_im[k], &twiddle_re[k]);
    for (int k = 0; k < FFT_N; k++) {
        /* A few tones plus noise. */
        fft_re[k] = random_unit(&rng) - 0.5 + ((k % 16) < 8 ? 1.0 : -1.0);
        fft_im[k] = random_unit(&rng) - 0.5;
    }
}

static uint64_t fp_run(void)
{
    uint64_t h = bench_mix(0, mm_run());
    h = bench_mix(h, nbody_run());
    return bench_mix(h, fft_run());
}

const bench_workload bench = {
    .name = "fp",
    .heap_bytes = 3 * MM_N * MM_N * sizeof(double),
    .setup = fp_setup,
    .run = fp_run,
};

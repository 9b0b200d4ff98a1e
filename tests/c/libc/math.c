/* math.h: every function crt0 exports, over generated arguments and the
 * edges (zeros, infinities, NaN, subnormals, poles, domain errors), with
 * errno. Functions glibc and crt0 (musl's algorithms) both round
 * correctly (sqrt, fma, fmod, floor, frexp, ...) are printed exactly
 * (%a); the others to 12 significant digits, which their sub-ulp
 * differences do not reach. A NaN prints as "nan" whatever its sign
 * (which the two libraries choose differently). Built with -lm. */
#define _GNU_SOURCE
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void show(const char *name, double x, double r, int exact)
{
    char buf[64];
    if (isnan(r))
        strcpy(buf, "nan");
    else
        snprintf(buf, sizeof buf, exact ? "%a" : "%.12g", r);
    printf("%s(%.17g) = %s errno %d\n", name, x, buf, errno);
}

int main(void)
{
    static const double edges[] = {0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 10.0, 100.0, 1000.0, -1000.0, 710.0,
                                   -745.5, 1e-310, 1e-5, 0.1, 3.14159265358979, 1e15, 1e300, -1e300,
                                   INFINITY, -INFINITY, NAN, 0.7853981633974483, 1.5707963267948966, 25.5,
                                   -2.5, 1e-20, 123.456};
    static const struct {
        const char *name;
        double (*f)(double);
        int exact;
    } one[] = {{"sqrt", sqrt, 1},   {"cbrt", cbrt, 0},   {"exp", exp, 0},     {"exp2", exp2, 0},
               {"expm1", expm1, 0}, {"log", log, 0},     {"log2", log2, 0},   {"log10", log10, 0},
               {"log1p", log1p, 0}, {"sin", sin, 0},     {"cos", cos, 0},     {"tan", tan, 0},
               {"asin", asin, 0},   {"acos", acos, 0},   {"atan", atan, 0},   {"sinh", sinh, 0},
               {"cosh", cosh, 0},   {"tanh", tanh, 0},   {"asinh", asinh, 0}, {"acosh", acosh, 0},
               {"atanh", atanh, 0}, {"erf", erf, 0},     {"erfc", erfc, 0},   {"tgamma", tgamma, 0},
               {"lgamma", lgamma, 0}, {"floor", floor, 1}, {"ceil", ceil, 1}, {"round", round, 1},
               {"trunc", trunc, 1}, {"rint", rint, 1},   {"nearbyint", nearbyint, 1}, {"fabs", fabs, 1},
               {"logb", logb, 1},   {"j0", j0, 0},       {"j1", j1, 0},       {"y0", y0, 0},
               {"y1", y1, 0}};
    unsigned long long seed = 0x123456789abcdefULL;
    for (unsigned k = 0; k < sizeof one / sizeof *one; k++) {
        for (unsigned i = 0; i < sizeof edges / sizeof *edges + 12; i++) {
            double x;
            if (i < sizeof edges / sizeof *edges)
                x = edges[i];
            else {
                seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
                x = ((double)(seed >> 11) / 9007199254740992.0 - 0.3) * 40;
            }
            errno = 0;
            double r = one[k].f(x);
            show(one[k].name, x, r, one[k].exact);
        }
    }
    static const double pairs[][2] = {{2, 10}, {2, 0.5}, {-8, 1.0 / 3}, {0, -1}, {-1, 0.5}, {1e308, 2},
                                      {1e-310, 2}, {10, -400}, {INFINITY, 2}, {NAN, 0}, {1, NAN},
                                      {-2, 3}, {5.5, 2}, {-5.5, 2}, {7, 0}, {0, 0}, {1, 1e-300},
                                      {3, 4}, {1e308, 1e308}, {INFINITY, NAN}, {-0.0, 5}};
    for (unsigned i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        double x = pairs[i][0], y = pairs[i][1];
        char line[512];
        int n = 0;
#define P2(fn, fmt)                                                                                                    \
    do {                                                                                                               \
        errno = 0;                                                                                                     \
        double r = fn(x, y);                                                                                           \
        if (isnan(r))                                                                                                  \
            n += snprintf(line + n, sizeof line - n, " " #fn "=nan/%d", errno);                                         \
        else                                                                                                           \
            n += snprintf(line + n, sizeof line - n, " " #fn "=" fmt "/%d", r, errno);                                  \
    } while (0)
        P2(pow, "%.12g");
        P2(atan2, "%.12g");
        P2(hypot, "%.12g");
        P2(fmod, "%a");
        P2(remainder, "%a");
        P2(fdim, "%a");
        P2(fmin, "%a");
        P2(fmax, "%a");
        P2(copysign, "%a");
        P2(nextafter, "%a");
        printf("(%g, %g):%s\n", x, y, line);
        errno = 0;
        int q;
        double rq = remquo(x, y, &q);
        printf("  remquo %a q&7 %d errno %d fma %a\n", isnan(rq) ? 0.0 : rq, isnan(rq) ? 0 : q & 7, errno,
               fma(x, y, 1.0));
    }
    for (int e = -1080; e <= 1030; e += 53) {
        errno = 0;
        double r = ldexp(0.75, e);
        int ex;
        double m = frexp(r, &ex);
        printf("ldexp(0.75, %d) = %a errno %d frexp %a %d scalbn %a ilogb %d\n", e, r, errno, m, ex,
               scalbn(1.5, e), r != 0 && isfinite(r) ? ilogb(r) : 0);
    }
    double ip, fp = modf(-3.75, &ip);
    printf("modf %a %a lround %ld llround %lld lrint %ld llrint %lld\n", fp, ip, lround(2.5), llround(-2.5),
           lrint(2.5), llrint(3.5));
    /* Out of range and NaN: what each architecture's conversion gives. */
    static volatile double wide[] = {NAN, -NAN, 1e19, -1e19, 9.3e18, -9.2233720368547758e18, INFINITY, 4.5};
    for (unsigned i = 0; i < sizeof wide / sizeof *wide; i++)
        printf("wide %g: lround %ld llround %lld lrint %ld llrint %lld\n", wide[i], lround(wide[i]),
               llround(wide[i]), lrint(wide[i]), llrint(wide[i]));
    double s, c;
    sincos(1.0, &s, &c);
    printf("sincos %.12g %.12g jn %.12g yn %.12g\n", s, c, jn(3, 2.5), yn(2, 1.5));
    float f = 1.5f;
    errno = 0;
    printf("float: %a %a %a %.7g %.7g %.7g errno %d\n", sqrtf(f), floorf(-f), fmaf(f, f, f), expf(f), sinf(f),
           powf(f, 3), errno);
    errno = 0;
    printf("expf(100) %g errno %d logf(0) %g errno", expf(100.0f), errno, logf(0.0f));
    printf(" %d\n", errno);
    return 0;
}

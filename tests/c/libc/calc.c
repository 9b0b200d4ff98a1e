/* calc: a calculator. Each line of standard input is an expression (+ - *
 * / ^ %, parentheses, unary minus, numbers as strtod reads them, the
 * constants pi and e, and sqrt sin cos tan atan exp log log10 fabs floor
 * ceil); `x = expr` assigns a one-letter variable. Results are printed
 * with %g and %.15g (crt0's math, musl's algorithms, may differ from
 * glibc's in a result's last bit, which %.17g would show), errors on
 * stderr with the column. Built with -lm, which crt0-cc resolves to
 * crt0's own math. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p, *line_start;
static double vars[26];
static int error;

static void fail(const char *what)
{
    if (!error)
        fprintf(stderr, "error at column %ld: %s\n", (long)(p - line_start) + 1, what);
    error = 1;
}

static void skip(void)
{
    while (isspace((unsigned char)*p))
        p++;
}

static double expr(void);

static double primary(void)
{
    skip();
    if (*p == '(') {
        p++;
        double v = expr();
        skip();
        if (*p == ')')
            p++;
        else
            fail("expected )");
        return v;
    }
    if (*p == '-') {
        p++;
        return -primary();
    }
    if (isalpha((unsigned char)*p)) {
        char name[16];
        int n = 0;
        while (isalnum((unsigned char)*p) && n < 15)
            name[n++] = *p++;
        name[n] = 0;
        static const struct {
            const char *name;
            double (*f)(double);
        } fns[] = {{"sqrt", sqrt}, {"sin", sin}, {"cos", cos}, {"tan", tan}, {"atan", atan}, {"exp", exp},
                   {"log", log}, {"log10", log10}, {"fabs", fabs}, {"floor", floor}, {"ceil", ceil}};
        for (unsigned i = 0; i < sizeof fns / sizeof *fns; i++)
            if (!strcmp(name, fns[i].name)) {
                double arg = primary();
                errno = 0;
                double v = fns[i].f(arg);
                if (errno)
                    fprintf(stderr, "%s(%g): %s\n", name, arg, strerror(errno));
                return v;
            }
        if (!strcmp(name, "pi"))
            return M_PI;
        if (!strcmp(name, "e"))
            return M_E;
        if (n == 1)
            return vars[name[0] - (isupper((unsigned char)name[0]) ? 'A' : 'a')];
        fail("unknown name");
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(p, &end);
    if (end == p)
        fail("expected a number");
    else if (errno == ERANGE)
        fprintf(stderr, "number out of range: %.*s\n", (int)(end - p), p);
    p = end;
    return v;
}

static double power(void)
{
    double base = primary();
    skip();
    if (*p == '^') {
        p++;
        double e = power();
        errno = 0;
        double v = pow(base, e);
        if (errno)
            fprintf(stderr, "pow(%g, %g): %s\n", base, e, strerror(errno));
        return v;
    }
    return base;
}

static double term(void)
{
    double v = power();
    for (;;) {
        skip();
        if (*p == '*') {
            p++;
            v *= power();
        } else if (*p == '/') {
            p++;
            v /= power();
        } else if (*p == '%') {
            p++;
            v = fmod(v, power());
        } else
            return v;
    }
}

static double expr(void)
{
    double v = term();
    for (;;) {
        skip();
        if (*p == '+') {
            p++;
            v += term();
        } else if (*p == '-') {
            p++;
            v -= term();
        } else
            return v;
    }
}

int main(void)
{
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        p = line_start = line;
        skip();
        if (!*p || *p == '#')
            continue;
        error = 0;
        int var = -1;
        if (isalpha((unsigned char)p[0]) && (p[1] == '=' || (p[1] == ' ' && strchr(p, '=')))) {
            const char *eq = strchr(p, '=');
            var = tolower((unsigned char)p[0]) - 'a';
            p = eq + 1;
        }
        double v = expr();
        skip();
        if (*p)
            fail("unexpected text");
        if (error)
            continue;
        n++;
        if (var >= 0) {
            vars[var] = v;
            printf("%c = %g\n", 'a' + var, v);
        } else
            printf("%g\t%.15g\n", v, v);
    }
    printf("%d results\n", n);
    return 0;
}

/* dlsym, dlerror, dlopen and dlclose from <dlfcn.h> on a static crt0
 * program: glibc's rseq symbols found through every handle a static program
 * has, anything else NULL with a message, dlerror cleared by reading. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <unistd.h>

extern const ptrdiff_t __rseq_offset;
extern const unsigned int __rseq_size;
extern const unsigned int __rseq_flags;

static void out(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    (void)!write(1, s, n);
}

static void line(const char *what, int ok)
{
    out(what);
    out(ok ? " ok\n" : " WRONG\n");
}

/* The message dlerror returns now, or "(none)". */
static void error_line(const char *what)
{
    const char *e = dlerror();
    out(what);
    out(": ");
    out(e ? e : "(none)");
    out("\n");
}

int main(void)
{
    void *self = dlopen(NULL, RTLD_NOW);
    void *handles[] = {RTLD_DEFAULT, RTLD_NEXT, self};
    int all = self != NULL;
    for (int i = 0; i < 3; i++) {
        all &= dlsym(handles[i], "__rseq_offset") == &__rseq_offset;
        all &= dlsym(handles[i], "__rseq_size") == &__rseq_size;
        all &= dlsym(handles[i], "__rseq_flags") == &__rseq_flags;
    }
    line("rseq symbols through RTLD_DEFAULT, RTLD_NEXT and dlopen(NULL)", all);
    error_line("after finding them");

    line("unknown symbol is NULL", dlsym(RTLD_NEXT, "malloc") == NULL);
    error_line("dlerror");
    error_line("dlerror again");
    line("a bogus handle is NULL", dlsym((void *)16, "__rseq_size") == NULL);
    error_line("dlerror");
    line("dlopen of a file fails", dlopen("libm.so.6", RTLD_NOW) == NULL);
    error_line("dlerror");
    line("dlclose(dlopen(NULL)) is 0", dlclose(self) == 0);
    line("dlclose of a bogus handle is -1", dlclose((void *)16) == -1);
    error_line("dlerror");
    return 0;
}

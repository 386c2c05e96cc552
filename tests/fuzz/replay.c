/* replay.c - runs a libFuzzer target's LLVMFuzzerTestOneInput over files and
   directories (one input per file), without libFuzzer: the committed corpus
   as a plain test. Prints "N passed, 0 failed"; an invariant aborts. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Name the input that failed: on abort() (an invariant) and on a sanitizer
   report. */
static const char *current;
static void name_it(void)
{
    if (current) fprintf(stderr, "replay: the failing input is %s\n", current);
}
static void on_abort(int sig)
{
    (void)sig;
    name_it();
    signal(SIGABRT, SIG_DFL);
    abort();
}
void __sanitizer_set_death_callback(void (*callback)(void));

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    if (!f) return perror(path), 0;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = (unsigned char *)malloc(n > 0 ? (size_t)n : 1);
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        free(buf);
        fclose(f);
        return 0;
    }
    fclose(f);
    /* an exactly-sized copy */
    {
        unsigned char *exact = (unsigned char *)malloc(n > 0 ? (size_t)n : 1);
        if (n > 0) memcpy(exact, buf, (size_t)n);
        current = path;
        LLVMFuzzerTestOneInput(exact, (size_t)n);
        current = 0;
        free(exact);
    }
    free(buf);
    return 1;
}

static int compare(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    int i, count = 0;
    signal(SIGABRT, on_abort);
    __sanitizer_set_death_callback(name_it);
    for (i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *e;
            char **names = 0;
            size_t n = 0, cap = 0, k;
            if (!d) return perror(argv[i]), 1;
            while ((e = readdir(d))) {
                if (e->d_name[0] == '.') continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 64;
                    names = (char **)realloc(names, cap * sizeof *names);
                }
                names[n] = (char *)malloc(strlen(argv[i]) + strlen(e->d_name) + 2);
                sprintf(names[n], "%s/%s", argv[i], e->d_name);
                n++;
            }
            closedir(d);
            qsort(names, n, sizeof *names, compare);
            for (k = 0; k < n; k++) {
                count += run_file(names[k]);
                free(names[k]);
            }
            free(names);
        } else {
            count += run_file(argv[i]);
        }
    }
    printf("%s: %d passed, 0 failed\n", argc > 1 ? argv[1] : "replay", count);
    return count ? 0 : 1;
}

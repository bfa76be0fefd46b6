/* main() for the fuzz targets outside libFuzzer.
 * Built with afl-clang-fast: AFL++ persistent mode, test cases in shared
 * memory. Built with any other compiler: runs LLVMFuzzerTestOneInput once per
 * file argument, or once on stdin, e.g. to replay a crash without libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* read(), used by the __AFL_LOOP macro */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A private exact-size copy, so ASan sees reads past the end of the input. */
static void run(const uint8_t *buf, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);

    if (!copy)
        abort();
    memcpy(copy, buf, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
}

static uint8_t *slurp(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);

    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    *len = n;
    return buf;
}

#ifdef __AFL_FUZZ_TESTCASE_LEN
__AFL_FUZZ_INIT();
#endif

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
#ifdef __AFL_FUZZ_TESTCASE_LEN
    if (argc < 2) {
        __AFL_INIT();
        unsigned char *buf = __AFL_FUZZ_TESTCASE_BUF;
        while (__AFL_LOOP(10000))
            run(buf, (size_t)__AFL_FUZZ_TESTCASE_LEN);
        return 0;
    }
#endif
    for (int i = 1; i < argc || (argc < 2 && i == 1); i++) {
        FILE *f = argc < 2 ? stdin : fopen(argv[i], "rb");
        size_t len = 0;
        uint8_t *buf = f ? slurp(f, &len) : NULL;

        if (!buf) {
            perror(argc < 2 ? "stdin" : argv[i]);
            return 1;
        }
        if (f != stdin)
            fclose(f);
        fprintf(stderr, "running %s (%zu bytes)\n", argc < 2 ? "stdin" : argv[i], len);
        run(buf, len);
        free(buf);
    }
    return 0;
}

#include "net/redacted_print.h"
#include "core/redact.h"

#include <stdarg.h>
#include <stdlib.h>

static void vsay(FILE *out, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    char small[1024];
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    char *text = small;
    if (n >= (int)sizeof(small) && (text = malloc((size_t)n + 1)))
        vsnprintf(text, (size_t)n + 1, fmt, again);
    va_end(again);
    if (n < 0 || !text)
        return;
    size_t len;
    char *r = ps_redact_bytes(text, (size_t)n, NULL, &len);
    if (r)
        fwrite(r, 1, len, out);   /* never the unredacted text, even out of memory */
    free(r);
    if (text != small)
        free(text);
}

void ps_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(stderr, fmt, ap);
    va_end(ap);
}

void ps_say_to(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(out, fmt, ap);
    va_end(ap);
}

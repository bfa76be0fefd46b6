#include "core/label.h"

int ps_label_valid(const char *label, size_t len)
{
    if (len == 0 || len > PS_LABEL_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = label[i];
        if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-')
            return 0;
    }
    return 1;
}

int ps_rule_id_valid(const char *id, size_t len)
{
    int dash = 0;
    if (len == 0 || len > PS_RULE_ID_MAX || !(id[0] >= 'A' && id[0] <= 'Z'))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = id[i];
        if (!(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') && c != '-')
            return 0;
        dash |= c == '-';
    }
    return dash;
}

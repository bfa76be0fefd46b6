/* core/role.c: the three roles, each spelled once. */
#include "check.h"
#include "core/role.h"

int main(void)
{
    const char letters[] = "SCH";
    for (int k = 0; k < PS_ROLE_COUNT; k++) {
        const ps_role *r = ps_role_get((ps_role_kind)k);
        CHECK_INT(r->kind, k);
        CHECK_INT(r->letter, letters[k]);
        CHECK(r->folder && *r->folder && r->name && *r->name);
        if (r->hello)
            CHECK(ps_role_by_hello(r->hello) == r);
    }
    CHECK_STR(ps_role_get(PS_ROLE_SERVER)->folder, "server");
    CHECK(ps_role_get(PS_ROLE_SERVER)->hello == NULL);
    CHECK(ps_role_by_hello("client") == ps_role_get(PS_ROLE_CLIENT_SDK));
    CHECK(ps_role_by_hello("http") == ps_role_get(PS_ROLE_HTTP_SDK));
    CHECK(ps_role_by_hello("server") == NULL);   /* the server role has no adapter */
    CHECK(ps_role_by_hello("") == NULL);
    CHECK(ps_role_by_hello(NULL) == NULL);
    CHECK(ps_role_get(PS_ROLE_COUNT) == ps_role_get(PS_ROLE_SERVER));   /* out of range: the default */
    return check_done("test_role");
}
